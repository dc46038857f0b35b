import type { Tally, TrackFacts } from './collect-run.js';

/** What the report shows besides the tracks. */
export interface ReportInput {
  readonly title: string;
  readonly manifest: Record<string, unknown>;
  readonly tracks: readonly TrackFacts[];
  /** Per track: contamination of the stage-3 prompts against the configured benchmarks, when there are any. */
  readonly contamination: Readonly<Record<string, { rows: number; contaminated: number; benchmarks: string[] } | null>>;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);

/** A horizontal bar chart as inline SVG: no script, no external file, so the page opens anywhere. */
function bars(title: string, tally: Tally, order?: readonly string[]): string {
  const keys = order ?? Object.keys(tally);
  const entries = keys.map((key) => [key, tally[key] ?? 0] as const);
  const max = Math.max(1, ...entries.map(([, count]) => count));
  const rowHeight = 22;
  const labelWidth = 190;
  const width = 560;
  const height = entries.length * rowHeight + 8;
  const rows = entries
    .map(([key, count], index) => {
      const y = index * rowHeight + 4;
      const barWidth = Math.round(((width - labelWidth - 60) * count) / max);
      return `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escape(key)}</text><rect x="${labelWidth}" y="${y + 3}" width="${barWidth}" height="15" rx="2"></rect><text x="${labelWidth + barWidth + 6}" y="${y + 15}">${count}</text>`;
    })
    .join('');
  return `<figure><figcaption>${escape(title)}</figcaption><svg role="img" aria-label="${escape(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${rows}</svg></figure>`;
}

function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return `<table><thead><tr>${headers.map((header) => `<th>${escape(header)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((cell) => `<td>${escape(String(cell))}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function sortedPassRates(tally: Tally): string[] {
  return Object.keys(tally).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
}

function stage1Notes(stage1: NonNullable<TrackFacts['stage1']>): string {
  const dropped = `${Object.values(stage1.dropped).reduce((sum, count) => sum + count, 0)} dropped`;
  if (stage1.agreement === undefined) return dropped;
  const { candidates, kept } = stage1.agreement;
  return `${dropped}; ${kept} of ${candidates} written problems got a gold answer by agreement; ${stage1.questions - kept} seed problems pass through`;
}

function trackSection(facts: TrackFacts, contamination: ReportInput['contamination'][string]): string {
  const parts: string[] = [`<section><h2>${facts.track === 'code' ? 'Code track' : 'Math track'}</h2>`];
  parts.push(
    table(
      ['stage', 'in', 'out', 'notes'],
      [
        ['1 questions', facts.stage1?.replies ?? '-', facts.stage1?.questions ?? '-', facts.stage1 ? stage1Notes(facts.stage1) : 'not run'],
        ['2 triplets', facts.stage2?.questions ?? '-', facts.stage2?.triplets ?? '-', facts.stage2 ? `${facts.stage2.trials} trials; ${facts.stage2.retry} unsolved (retry file)` : 'not run'],
        ['3 post-training', facts.stage3?.problems ?? '-', facts.stage3 ? `${facts.stage3.sft} SFT, ${facts.stage3.pairs} DPO` : '-', facts.stage3 ? `${facts.stage3.responses} responses verified` : 'not run'],
      ],
    ),
  );
  if (facts.stage1) parts.push(bars(facts.stage1.agreement === undefined ? 'Stage 1: replies dropped by sanitising and dedup' : 'Stage 1: replies dropped by sanitising, dedup and the agreement vote', facts.stage1.dropped));
  if (facts.stage2) {
    parts.push('<div class="charts">');
    parts.push(bars('Stage 2: pass rate over trials (questions)', facts.stage2.passRate, sortedPassRates(facts.stage2.passRate)));
    parts.push(bars('Stage 2: difficulty of verified triplets', facts.stage2.difficulty, ['easy', 'medium', 'hard']));
    parts.push('</div>');
    parts.push(bars('Stage 2: trial verdicts (status: reason)', facts.stage2.verdicts));
    if (facts.track === 'code') parts.push(`<p>Cross-checks: <strong>${facts.stage2.weakTests}</strong> trials had tests that accepted a wrong solution (weak tests); <strong>${facts.stage2.refutedSolutions}</strong> solutions passed their own tests but were refuted by another trial's tests, and were not counted as passing.</p>`);
    if (facts.stage2.passAtK) parts.push(table(Object.keys(facts.stage2.passAtK), [Object.values(facts.stage2.passAtK).map((value) => value.toFixed(3))]));
  }
  if (facts.stage3) {
    parts.push(bars('Stage 3: response verdicts', facts.stage3.verdicts));
    parts.push(bars('Stage 3: responses by style and correctness', facts.stage3.styles));
    parts.push(`<p>Exports: ${Object.entries(facts.stage3.exports).map(([name, rows]) => `<code>${escape(name)}</code> ${rows} rows`).join(', ') || 'none'}.</p>`);
  }
  parts.push(
    contamination === null || contamination === undefined
      ? '<p>Contamination: no benchmark files configured (<code>benchmarks:</code> in the config).</p>'
      : `<p>Contamination: ${contamination.contaminated} of ${contamination.rows} stage-3 prompts overlap ${contamination.benchmarks.map((name) => `<code>${escape(name)}</code>`).join(', ')} (n-gram match).</p>`,
  );
  if (facts.stage2 && facts.stage2.examples.length > 0) {
    parts.push('<h3>Example triplets</h3>');
    for (const example of facts.stage2.examples) {
      parts.push(
        `<details><summary>${escape(String(example.id))}: ${escape(String(example.difficulty))}, passes ${escape(JSON.stringify(example.pass_sequence))}</summary><h4>Question</h4><pre>${escape(String(example.prompt))}</pre><h4>Solution (trial ${escape(String(example.chosen_trial))})</h4><pre>${escape(String(example.solution))}</pre>${example.tests ? `<h4>Tests</h4><pre>${escape(String(example.tests))}</pre>` : `<h4>Gold answer (${escape(String(example.answer_source))})</h4><pre>${escape(String(example.answer))}</pre>`}</details>`,
      );
    }
  }
  parts.push('</section>');
  return parts.join('\n');
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:980px;padding:0 1rem;color:#1d232a}
h1{margin-bottom:.2rem}table{border-collapse:collapse;margin:.8rem 0}th,td{border:1px solid #ccd3da;padding:.3rem .6rem;text-align:left}
th{background:#eef2f5}figure{margin:.8rem 0}figcaption{font-weight:600;margin-bottom:.3rem}svg text{font-size:12px;fill:#1d232a}
svg rect{fill:#3b7dd8}.charts{display:flex;flex-wrap:wrap;gap:1rem}pre{background:#f5f7f9;padding:.6rem;overflow:auto;font-size:13px}
details{margin:.4rem 0}summary{cursor:pointer}.note{color:#5b6670}code{background:#f0f2f4;padding:0 .2rem}`;

/** The whole report: one HTML file with inline CSS and SVG, no script and no network. */
export function renderReport(input: ReportInput): string {
  const manifest = input.manifest as { config_hash?: string; veridata_version?: string; fixtures?: string };
  const cost = input.tracks.reduce((sum, facts) => sum + facts.costUsd, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(input.title)}</title><style>${STYLE}</style></head>
<body><h1>${escape(input.title)}</h1>
<p class="note">veridata ${escape(String(manifest.veridata_version ?? '?'))}, config ${escape(String(manifest.config_hash ?? '?'))}. Spend recorded: $${cost.toFixed(4)}. Models served: ${escape(input.tracks.flatMap((facts) => facts.modelsServed).filter((model, index, all) => all.indexOf(model) === index).join(', ') || 'none')}.${manifest.fixtures ? ` <strong>${escape(manifest.fixtures)}</strong>` : ''}</p>
${input.tracks.map((facts) => trackSection(facts, input.contamination[facts.track] ?? null)).join('\n')}
<section><h2>Manifest</h2><pre>${escape(JSON.stringify(input.manifest, null, 2))}</pre></section>
</body></html>
`;
}
