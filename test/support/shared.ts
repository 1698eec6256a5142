import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** `../shared` beside the project (or STEPWISE_SHARED_DIR): the design, corpus and seed documents. */
export const SHARED_DIR = process.env.STEPWISE_SHARED_DIR ?? path.resolve(process.cwd(), '..', 'shared');
export const CORPUS_DIR = path.join(SHARED_DIR, 'corpus');

/** One labelled line of `corpus/logs/*.jsonl`, with where it came from. */
export interface CorpusLogLine {
  file: string;
  index: number;
  text: string;
  category: string;
  why: string;
}

/** Every labelled log line of the corpus, files in name order. */
export function corpusLogLines(): CorpusLogLine[] {
  const dir = path.join(CORPUS_DIR, 'logs');
  const lines: CorpusLogLine[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        if (raw.trim() === '') return;
        const o = JSON.parse(raw) as { text: string; category: string; why: string };
        lines.push({ file, index: i + 1, text: o.text, category: o.category, why: o.why });
      });
  }
  return lines;
}
