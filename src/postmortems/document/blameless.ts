import { HUMAN_SECTION_FIELDS, SECTION_KEYS, type PostmortemDocument, type PostmortemSection } from './build-document.js';
import type { HumanSections } from './postmortem-record.js';

/**
 * Blameless-language check (DESIGN §5, domain-notes §1.10): finds wording that puts an incident
 * on a person rather than on the conditions that made the action likely, and suggests a reframing.
 *
 * It reads what people wrote (human-written sections and the notes, reasons and descriptions a
 * generated section quotes), never the generated text, which is blameless by construction.
 * Code (fenced blocks and inline code) is ignored: log lines say "failed" for machines.
 */
export interface BlameFlag {
  sectionKey: string;
  sentence: string;
  /** The words that triggered the flag, as written. */
  phrase: string;
  /** Stable id of the rule, e.g. `human-error`, `person-as-cause`. */
  rule: string;
  suggestion: string;
}

interface Rule {
  id: string;
  pattern: RegExp;
  suggestion: string;
}

const CONDITIONS = 'describe the conditions that made the action likely: a missing guardrail, an unclear runbook step, an unsafe default, alert fatigue';

const RULES: readonly Rule[] = [
  {
    id: 'human-error',
    pattern: /\b(?:human|operator|user|people|engineer|manual)[\s-]+errors?\b|\bpilot error\b/gi,
    suggestion: `"Human error" ends the inquiry where it should start: ${CONDITIONS}.`,
  },
  {
    id: 'counterfactual',
    // "could have" stays unflagged: "it could have been worse" is how people describe luck.
    pattern: /\bshould(?:\s+not|n['’]t)?\s+have\b|\bshould['’]ve\b|\bif only\b/gi,
    suggestion: 'Hindsight: describe what the people involved knew and saw at the time, and which signal, check or guardrail was missing.',
  },
  {
    id: 'character',
    pattern: /\b(?:careless(?:ly|ness)?|negligen(?:t|tly|ce)|reckless(?:ly|ness)?|sloppy|sloppiness|incompeten(?:t|ce)|lazy|laziness|irresponsible)\b/gi,
    suggestion: 'Judges a person instead of describing the work: describe the action, the pressure and information at the time, and the safeguard that would have caught it.',
  },
  {
    id: 'forgot',
    pattern: /\b(?:forgot|forgotten|forget)\s+to\b|\bforgot\b/gi,
    suggestion: 'Memory is not a control: name the missing reminder, checklist item, automation or default.',
  },
  {
    id: 'didnt-bother',
    pattern: /\b(?:didn['’]t|did not|couldn['’]t|could not|never)\s+(?:even\s+)?(?:bother|be bothered)\b/gi,
    suggestion: 'Assumes bad intent: describe why the step looked unnecessary or costly at the time.',
  },
  {
    id: 'fault',
    pattern: /\bfault\s+of\b|\bat\s+fault\b|\b\w+['’]s\s+fault\b|\b(?:his|her|their|my|our)\s+fault\b/gi,
    suggestion: 'Fault points at people; describe the system conditions that allowed the action to have this effect.',
  },
  {
    id: 'personal-mistake',
    pattern: /\b(?:his|her|their|my|your)\s+(?:own\s+)?(?:mistake|error|blunder|oversight|screw[\s-]?up|slip)s?\b/gi,
    suggestion: `Names a person's mistake: ${CONDITIONS}.`,
  },
  {
    id: 'obviously',
    pattern: /\bobvious(?:ly)?\b/gi,
    suggestion: 'Obvious only in hindsight: say what was and was not visible during the incident.',
  },
];

const PERSON_WORDS =
  "(?:he|she|they|we|i|you|someone|somebody|nobody|no one|everyone|the (?:on-?call|engineer|operator|developer|responder|admin|administrator|team|reviewer|author|commander|owner|sre|dev|person)(?:\\s+\\w+)?)";

const FAILED_TO_SUGGESTION = 'Describes a person failing: say what the system or process did not provide (an alert, a check, a clear step) that made the action hard.';
const PERSON_CAUSE_SUGGESTION =
  'Names a person as the cause: name the change or action and the conditions around it (e.g. "the 14:02 configuration change, which no validation covered"); names belong only in the responders list.';

/** What `checkBlameless` reads: a whole document, its sections, or the human sections as stored. */
export type BlamelessSource = PostmortemDocument | readonly Pick<PostmortemSection, 'key' | 'humanText'>[] | HumanSections;

/**
 * Flags blaming wording in what people wrote. `people` are the names to recognise as grammatical
 * subjects ("Bob broke …", "caused by Alice"); for a document it defaults to the record's
 * participants. Flags come in document order: section, then text, then position in the sentence.
 */
export function checkBlameless(source: BlamelessSource, people?: readonly string[]): BlameFlag[] {
  const texts: Array<{ sectionKey: string; text: string }> = [];
  let names = people;
  if (Array.isArray(source)) {
    for (const section of source as readonly Pick<PostmortemSection, 'key' | 'humanText'>[]) for (const text of section.humanText) texts.push({ sectionKey: section.key, text });
  } else if (isDocument(source)) {
    names ??= source.metadata.participants;
    for (const section of source.sections) for (const text of section.humanText) texts.push({ sectionKey: section.key, text });
  } else {
    const fieldToKey = new Map<string, string>(Object.entries(HUMAN_SECTION_FIELDS).map(([key, field]) => [field, key]));
    const known = SECTION_KEYS.flatMap((key) => (HUMAN_SECTION_FIELDS[key] ? [HUMAN_SECTION_FIELDS[key]] : []));
    const unknown = Object.keys(source)
      .filter((field) => !known.includes(field))
      .sort();
    for (const field of [...known, ...unknown]) {
      const text = (source as HumanSections)[field];
      if (typeof text === 'string') texts.push({ sectionKey: fieldToKey.get(field) ?? field, text });
    }
  }
  const matchers = personMatchers(names ?? []);
  const flags: BlameFlag[] = [];
  for (const { sectionKey, text } of texts) {
    for (const sentence of splitSentences(text)) {
      for (const hit of findBlame(sentence, matchers)) flags.push({ sectionKey, sentence: sentence.text, ...hit });
    }
  }
  return flags;
}

function isDocument(source: BlamelessSource): source is PostmortemDocument {
  return typeof source === 'object' && source !== null && Array.isArray((source as PostmortemDocument).sections) && typeof (source as PostmortemDocument).metadata === 'object';
}

/**
 * Checks any text, every sentence of it, whoever wrote it. Used to prove the generator's own
 * wording is blameless; `checkBlameless` is what reviews people's text.
 */
export function checkBlamelessText(sectionKey: string, text: string, people: readonly string[] = []): BlameFlag[] {
  const matchers = personMatchers(people);
  return splitSentences(text).flatMap((sentence) => findBlame(sentence, matchers).map((hit) => ({ sectionKey, sentence: sentence.text, ...hit })));
}

interface Sentence {
  text: string;
  /** `text` with code replaced by spaces of the same length, so matches map back to `text`. */
  masked: string;
}

interface PersonMatchers {
  asCause: RegExp | null;
  causedBy: RegExp | null;
  failedTo: RegExp;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Name forms to look for: the full name, an e-mail's local part, and the first name of "First Last" or "first.last". */
function nameForms(people: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const raw of people) {
    const name = raw.replace(/\s+/g, ' ').trim();
    if (name.length < 2) continue;
    forms.add(name);
    const local = /^([^@\s]+)@/.exec(name)?.[1];
    if (local && local.length >= 2) {
      forms.add(local);
      const first = /^(\p{L}{3,})\.\p{L}/u.exec(local)?.[1];
      if (first) forms.add(first);
    }
    // "Alice Smith" and the handle "alice.smith" are also called Alice.
    const first = /^(\p{L}{3,})[ .]\p{L}/u.exec(name)?.[1];
    if (first) forms.add(first);
  }
  // Longest first, so "Alice Smith" wins over "Alice".
  return [...forms].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}

function personMatchers(people: readonly string[]): PersonMatchers {
  const forms = nameForms(people);
  const names = forms.length > 0 ? `(?:${forms.map(escapeRegExp).join('|')})` : null;
  const blameVerbs = '(?:caused|causes|cause|broke|breaks|broken|forgot|failed|fails|neglected|ignored|missed|messed up|screwed up|botched|blew up|took down|knocked over)';
  const subject = names ? `(?:${names}|${PERSON_WORDS})` : PERSON_WORDS;
  return {
    // "Bob broke …", "Bob accidentally caused …", "Bob's deploy caused …"
    asCause: names ? new RegExp(`(?<![\\w@.-])${names}(?:['’]s(?:\\s+[\\w-]+){1,2})?(?:\\s+[\\w-]+ly)?\\s+${blameVerbs}\\b`, 'giu') : null,
    // "caused by Alice", "because of Alice", "due to Bob's change"
    causedBy: names ? new RegExp(`\\b(?:caused|triggered|introduced|broken|started)\\s+by\\s+${names}(?![\\w@-])|\\b(?:because of|due to|blame(?:d)?(?:\\s+on)?)\\s+${names}(?![\\w@-])`, 'giu') : null,
    // "failed to" with a person as the subject; "nginx failed to connect" describes a machine.
    failedTo: new RegExp(`(?<![\\w@.-])${subject}(?:\\s+[\\w-]+ly)?\\s+(?:failed|neglected)\\s+to\\b`, 'giu'),
  };
}

interface Hit {
  phrase: string;
  rule: string;
  suggestion: string;
  index: number;
  /** Rules earlier in the list win an overlap at the same position. */
  order: number;
}

function findBlame(sentence: Sentence, matchers: PersonMatchers): Array<Omit<BlameFlag, 'sectionKey' | 'sentence'>> {
  const hits: Hit[] = [];
  const collect = (pattern: RegExp | null, rule: string, suggestion: string) => {
    if (!pattern) return;
    pattern.lastIndex = 0;
    for (const match of sentence.masked.matchAll(pattern)) {
      hits.push({ phrase: sentence.text.slice(match.index, match.index + match[0].length), rule, suggestion, index: match.index, order: hits.length });
    }
  };
  collect(matchers.asCause, 'person-as-cause', PERSON_CAUSE_SUGGESTION);
  collect(matchers.causedBy, 'person-as-cause', PERSON_CAUSE_SUGGESTION);
  collect(matchers.failedTo, 'failed-to', FAILED_TO_SUGGESTION);
  for (const rule of RULES) collect(rule.pattern, rule.id, rule.suggestion);
  // One flag per stretch of words: the earliest match wins an overlap, and at the same position the
  // more specific rule (a named person before a generic phrase).
  hits.sort((a, b) => a.index - b.index || a.order - b.order);
  const kept: Hit[] = [];
  let end = -1;
  for (const hit of hits) {
    if (hit.index < end) continue;
    kept.push(hit);
    end = hit.index + hit.phrase.length;
  }
  return kept.map(({ phrase, rule, suggestion }) => ({ phrase, rule, suggestion }));
}

const ABBREVIATIONS = /(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf|approx|incl|Mr|Mrs|Ms|Dr|Fig|al)\.$/i;

/**
 * Splits Markdown into sentences: code blocks are dropped, each paragraph, list item, table row or
 * heading is a unit, and units split after `.`, `!` or `?` followed by a space and an upper-case
 * letter, digit or opening quote (not after common abbreviations such as "e.g.").
 */
export function splitSentences(markdownText: string): Sentence[] {
  const units: string[] = [];
  let current: string[] = [];
  let fence: { char: string; length: number } | null = null;
  const flush = () => {
    if (current.length > 0) units.push(current.join(' '));
    current = [];
  };
  for (const rawLine of markdownText.replace(/\r\n?/g, '\n').split('\n')) {
    if (fence) {
      const close = /^ {0,3}(`+|~+)[ \t]*$/.exec(rawLine);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = null;
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(rawLine);
    if (open) {
      flush();
      fence = { char: open[1]![0]!, length: open[1]!.length };
      continue;
    }
    if (rawLine.trim() === '') {
      flush();
      continue;
    }
    const startsBlock = /^\s*(?:[-+*]\s|\d{1,9}[.)]\s|#{1,6}\s|>|\|)/.test(rawLine);
    if (startsBlock) flush();
    const line = rawLine.replace(/^\s*(?:>\s?)*(?:[-+*]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+|#{1,6}\s+)?/, '').trim();
    if (line !== '') current.push(line);
    if (startsBlock && /^\s*(?:#{1,6}\s|\|)/.test(rawLine)) flush();
  }
  flush();

  const sentences: Sentence[] = [];
  for (const unit of units) {
    const masked = maskCode(unit);
    let start = 0;
    const boundary = /[.!?]+["'’”)\]]*\s+(?=["'‘“([]?[\p{Lu}\p{N}])/gu;
    for (const match of masked.matchAll(boundary)) {
      const endOfPunctuation = match.index + match[0].trimEnd().length;
      if (ABBREVIATIONS.test(masked.slice(Math.max(start, match.index - 8), match.index + 1))) continue;
      pushSentence(sentences, unit, masked, start, endOfPunctuation);
      start = match.index + match[0].length;
    }
    pushSentence(sentences, unit, masked, start, unit.length);
  }
  return sentences;
}

function pushSentence(out: Sentence[], text: string, masked: string, from: number, to: number): void {
  const slice = text.slice(from, to);
  const lead = slice.length - slice.trimStart().length;
  const trimmed = slice.trim();
  if (trimmed === '') return;
  out.push({ text: trimmed, masked: masked.slice(from + lead, from + lead + trimmed.length) });
}

/** Replaces inline code spans with spaces (same length), so rules never match inside code. */
function maskCode(text: string): string {
  return text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (span) => ' '.repeat(span.length));
}
