/**
 * Turns the `FAULTS|{...}` result rows of fault-injection runs into a Markdown table.
 *
 *   npm run test:faults 2>&1 | tee faults.log
 *   node test/support/faults-table.ts faults.log      (or pipe the output into it)
 *
 * Rows can also be collected with FAULTS_REPORT_FILE=<file> while the suite runs.
 */
import { readFileSync } from 'node:fs';
import type { ResultRow } from './faults.ts';

export function rowsFrom(text: string): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf('FAULTS|');
    if (at >= 0) rows.push(JSON.parse(line.slice(at + 'FAULTS|'.length)) as ResultRow);
  }
  return rows;
}

export function markdownTable(rows: readonly ResultRow[]): string {
  const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
  const lines = [
    '| scenario | profile | sent | acknowledged | notified | lost | delivered twice | dead-lettered | time to recover | duration | notes |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.scenario} | ${r.profile} | ${r.sent} | ${r.acknowledged} | ${r.notified} | ${r.lost} | ` +
        `${r.deliveredTwice} | ${r.deadLettered} | ${seconds(r.recoverMs)} | ${seconds(r.durationMs)} | ` +
        `${r.notes.replaceAll('|', '/')} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.main) {
  const files = process.argv.slice(2);
  const text =
    files.length > 0 ? files.map((f) => readFileSync(f, 'utf8')).join('\n') : readFileSync(0, 'utf8');
  console.log(markdownTable(rowsFrom(text)));
}
