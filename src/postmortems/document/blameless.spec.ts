import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBlameless, checkBlamelessText, splitSentences } from './blameless.js';
import { buildPostmortemDocument } from './build-document.js';
import { largeRecord } from './fixtures/generated-records.js';
import { FIXTURE_GENERATED_AT, fixtureRecord } from './fixtures/record.js';
import type { PostmortemRecord } from './postmortem-record.js';

function rules(text: string, people: string[] = []): Array<[string, string]> {
  return checkBlamelessText('went-poorly', text, people).map((flag) => [flag.rule, flag.phrase]);
}

describe('checkBlamelessText: wording that blames people', () => {
  it('flags the phrases of domain-notes §1.10 with the words as written', () => {
    assert.deepEqual(rules('The outage was caused by Human Error.'), [['human-error', 'Human Error']]);
    assert.deepEqual(rules('The on-call engineer should have checked the dashboard.'), [['counterfactual', 'should have']]);
    assert.deepEqual(rules("We shouldn't have deployed on Friday."), [['counterfactual', "shouldn't have"]]);
    assert.deepEqual(rules('A careless change to the config.'), [['character', 'careless']]);
    assert.deepEqual(rules('That was negligent.'), [['character', 'negligent']]);
    assert.deepEqual(rules('The engineer forgot to reload nginx.'), [['forgot', 'forgot to']]);
    assert.deepEqual(rules("He didn't bother to read the runbook."), [['didnt-bother', "didn't bother"]]);
    assert.deepEqual(rules('It was the fault of the release manager.'), [['fault', 'fault of']]);
    assert.deepEqual(rules('It was his mistake.'), [['personal-mistake', 'his mistake']]);
    assert.deepEqual(rules('Obviously the timeout was wrong.'), [['obviously', 'Obviously']]);
  });

  it('flags "failed to" when a person failed, not when a machine did', () => {
    assert.deepEqual(rules('The on-call engineer failed to escalate.'), [['failed-to', 'The on-call engineer failed to']]);
    assert.deepEqual(rules('They failed to notice the alert.'), [['failed-to', 'They failed to']]);
    assert.deepEqual(rules('nginx failed to connect to the upstream.'), []);
  });

  it('flags a person named as the cause, using the record’s names', () => {
    const people = ['bob', 'Alice Smith', 'carol.jones@example.com'];
    assert.deepEqual(rules('Bob broke the ingress config.', people), [['person-as-cause', 'Bob broke']]);
    assert.deepEqual(rules('Bob accidentally caused the outage.', people), [['person-as-cause', 'Bob accidentally caused']]);
    assert.deepEqual(rules('The outage was caused by Alice Smith.', people), [['person-as-cause', 'caused by Alice Smith']]);
    assert.deepEqual(rules('It happened because of Alice.', people), [['person-as-cause', 'because of Alice']]);
    assert.deepEqual(rules("Carol's deploy caused the 502s.", people), [['person-as-cause', "Carol's deploy caused"]]);
    assert.deepEqual(rules('Bob failed to reload nginx.', people), [['person-as-cause', 'Bob failed']]);
    assert.deepEqual(rules('Bob restarted the pods and the errors stopped.', people), []);
    assert.deepEqual(rules('Thanks to Alice the rollback took two minutes.', people), []);
  });

  it('ignores code, and what luck sounds like', () => {
    assert.deepEqual(rules('The log said `worker failed to bind; operator error`.'), []);
    assert.deepEqual(rules('```\nhuman error in a pasted log\n```'), []);
    assert.deepEqual(rules('It could have been much worse: the error began at 03:00.'), []);
  });

  it('suggests a reframing for every flag', () => {
    const [flag] = checkBlamelessText('trigger', 'Root cause: human error.');
    assert.ok(flag);
    assert.equal(flag.sectionKey, 'trigger');
    assert.equal(flag.sentence, 'Root cause: human error.');
    assert.match(flag.suggestion, /missing guardrail, an unclear runbook step/);
  });
});

describe('splitSentences', () => {
  it('splits paragraphs, list items, headings and sentences, not abbreviations or decimals', () => {
    const text = '# Heading\nFirst sentence, e.g. with an abbreviation. Second one\ncontinues here! Third at v1.2 now?\n\n- item one\n- item two. Still item two';
    assert.deepEqual(
      splitSentences(text).map((s) => s.text),
      ['Heading', 'First sentence, e.g. with an abbreviation.', 'Second one continues here!', 'Third at v1.2 now?', 'item one', 'item two.', 'Still item two'],
    );
  });
});

describe('checkBlameless: what people wrote', () => {
  function withText(record: PostmortemRecord): PostmortemRecord {
    record.humanSections = { wentPoorly: 'Deploys are not validated. Bob should have run nginx -t.', gotLucky: 'Traffic was low.' };
    record.steps[1] = { ...record.steps[1]!, notes: 'Pods looked fine. This was human error.' };
    record.timeline.push({ id: 'n2', at: '2026-03-14T09:45:00Z', kind: 'note', actor: 'lena.okafor', message: 'Marco broke checkout again.', data: {} });
    return record;
  }

  it('flags human sections and the quoted step notes and timeline notes, in document order', () => {
    const doc = buildPostmortemDocument(withText(fixtureRecord()), FIXTURE_GENERATED_AT);
    const flags = checkBlameless(doc, ['bob', 'marco']);
    assert.deepEqual(
      flags.map((f) => [f.sectionKey, f.rule, f.sentence]),
      [
        ['timeline', 'person-as-cause', 'Marco broke checkout again.'],
        ['response', 'human-error', 'This was human error.'],
        ['went-poorly', 'counterfactual', 'Bob should have run nginx -t.'],
      ],
    );
  });

  it('takes the names from the record when none are given', () => {
    const record = withText(fixtureRecord());
    record.timeline.push({ id: 'n3', at: '2026-03-14T09:46:00Z', kind: 'note', actor: 'priya.raman', message: 'priya.raman broke it.', data: {} });
    const flags = checkBlameless(buildPostmortemDocument(record, FIXTURE_GENERATED_AT));
    assert.ok(flags.some((f) => f.rule === 'person-as-cause' && f.phrase === 'priya.raman broke'));
  });

  it('reads human sections as stored, keyed by section', () => {
    const flags = checkBlameless({ wentWell: 'Fast rollback.', trigger: 'A careless push.', custom: 'It should have paged.' });
    assert.deepEqual(
      flags.map((f) => [f.sectionKey, f.rule]),
      [
        ['trigger', 'character'],
        ['custom', 'counterfactual'],
      ],
    );
  });

  it('finds nothing in the fixture, whose people wrote blamelessly', () => {
    assert.deepEqual(checkBlameless(buildPostmortemDocument(fixtureRecord(), FIXTURE_GENERATED_AT)), []);
  });
});

describe('generated text is blameless by construction', () => {
  /** Records that take the generator through its branches; their human text is itself blameless. */
  function variants(): PostmortemRecord[] {
    const noCause = fixtureRecord();
    noCause.rootCauses = noCause.rootCauses.map((c) => ({ ...c, status: 'suspected' as const }));
    noCause.actionItems = [];
    noCause.humanSections = {};
    const messy = fixtureRecord();
    messy.incident.mitigatedAt = null;
    messy.incident.resolution = null;
    messy.incident.symptom = null;
    messy.steps[2] = { ...messy.steps[2]!, outcome: 'recent_change_rolled_back', attempts: 2 };
    messy.evidence[1] = { ...messy.evidence[1]!, parseStatus: 'failed' };
    messy.ranking = [{ category: 'DNS', score: 0.9 }];
    messy.timeline.push({ id: 'c1', at: '2026-03-14T08:41:00Z', kind: 'change.deployed', actor: 'deploy-bot', message: 'CHG-2291 applied to ingress', data: {} });
    messy.timeline.push({ id: 'r1', at: '2026-03-14T10:00:00Z', kind: 'steps.reopened', actor: 'priya.raman', message: 'The error came back', data: {} });
    return [fixtureRecord(), noCause, messy, largeRecord({ events: 400, evidence: 20, findings: 60 })];
  }

  it('has no flag anywhere in the rendered sections, even when every sentence is checked', () => {
    for (const record of variants()) {
      const doc = buildPostmortemDocument(record, '2026-05-01T00:00:00Z');
      const everyone = [...doc.metadata.participants, 'alice', 'bob', 'carol'];
      for (const section of doc.sections) {
        assert.deepEqual(checkBlamelessText(section.key, section.markdown, everyone), [], section.key);
      }
      assert.deepEqual(checkBlamelessText('title', doc.title, everyone), []);
    }
  });
});
