import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { AtomicFile } from '../../src/core/io/write-jsonl.js';
import { DecontamOptions, runDecontam } from '../../src/curation/decontam.js';
import { defaultMathPolicy } from '../../verifiers/math/policy.js';
import { type LoadedPipeline, tracksOf } from '../config.js';
import { type PromptName, promptsVersion } from '../prompts.js';
import { outputDir, stageDir } from '../stage-context.js';
import { collectTrack, type TrackFacts } from './collect-run.js';
import { renderReport } from './render-html.js';

const PROMPTS: PromptName[] = ['question-leetcode', 'question-algorithm', 'question-data_structure', 'question-package', 'question-docs', 'solution-and-tests', 'instruct-to-complete', 'complete-function', 'math-question', 'math-solution'];

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A short hash of files that ship in source and in dist alike (Python harness files, JSON). */
function contentHash(parts: readonly (string | URL)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(typeof part === 'string' ? part : readFileSync(part));
  return hash.digest('hex').slice(0, 12);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const file = new AtomicFile(path);
  await file.open();
  await file.write(text);
  await file.commit();
}

/** The reproducibility manifest of a run: nothing wall-clock, so the same config and cache give the same bytes. */
export async function buildManifest(loaded: LoadedPipeline, facts: readonly TrackFacts[]): Promise<Record<string, unknown>> {
  const { config } = loaded;
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const { output_dir: _outputDir, ...shaping } = config;
  const seedFiles = [...(config.code?.seeds.map((entry) => entry.path) ?? []), ...(config.math?.seeds ?? [])];
  const seeds = [];
  for (const path of seedFiles) {
    const absolute = resolve(loaded.directory, path);
    let records = 0;
    for (const character of readFileSync(absolute, 'utf8')) if (character === '\n') records += 1;
    seeds.push({ path, sha256: await sha256(absolute), records });
  }
  const requested = Object.fromEntries(Object.entries(config.models).map(([role, models]) => [role, (models ?? []).map((model) => model.id)]));
  const fixtures = Object.values(requested).flat().every((id) => id.startsWith('veridata-fixtures/'));
  return {
    veridata_version: version,
    config_file: relative(loaded.directory, loaded.file) || loaded.file,
    config_hash: createHash('sha256').update(JSON.stringify(shaping)).digest('hex').slice(0, 16),
    seed: config.seed,
    tracks: facts.map((track) => track.track),
    seeds,
    prompts: promptsVersion(PROMPTS),
    models: { requested, served: Object.fromEntries(facts.map((track) => [track.track, track.modelsServed])) },
    verifiers: {
      // The verifiers ship with the package, so its version names their code; the policy and harness hashes show what ran.
      math: { version, policy: contentHash([JSON.stringify(defaultMathPolicy)]) },
      code: { version, harness: contentHash([new URL('../../verifiers/code/harness/veridata_report.py', import.meta.url), new URL('../../verifiers/code/python/inspect_code.py', import.meta.url)]) },
    },
    sandbox: { backend: config.sandbox.backend, timeout: config.sandbox.timeout, memory: config.sandbox.memory },
    counts: Object.fromEntries(
      facts.map((track) => [
        track.track,
        {
          stage1: track.stage1 === null ? null : { replies: track.stage1.replies, questions: track.stage1.questions, dropped: track.stage1.dropped, ...(track.stage1.agreement === undefined ? {} : { agreement: track.stage1.agreement }) },
          stage2: track.stage2 === null ? null : { questions: track.stage2.questions, trials: track.stage2.trials, triplets: track.stage2.triplets, unsolved: track.stage2.retry, difficulty: track.stage2.difficulty },
          stage3: track.stage3 === null ? null : { problems: track.stage3.problems, responses: track.stage3.responses, sft: track.stage3.sft, dpo: track.stage3.pairs, exports: track.stage3.exports },
          cost_usd: track.costUsd,
        },
      ]),
    ),
    ...(fixtures ? { fixtures: 'Every response of this run is an authored fixture replayed from the cache (seeds/demo/), not model output.' } : {}),
  };
}

/** Writes `manifest.json` and `report.html` into the run directory, from what the stages wrote there. */
export async function writeRunReport(loaded: LoadedPipeline): Promise<{ manifest: string; report: string; tracks: TrackFacts[] }> {
  const tracks: TrackFacts[] = [];
  const contamination: Record<string, { rows: number; contaminated: number; benchmarks: string[] } | null> = {};
  for (const track of tracksOf(loaded)) {
    tracks.push(await collectTrack({ loaded, track }));
    const problems = join(stageDir({ loaded, track }, 3), 'problems.jsonl');
    const benchmarks = loaded.config.benchmarks.map((path) => resolve(loaded.directory, path));
    if (benchmarks.length === 0 || !existsSync(problems)) contamination[track] = null;
    else {
      const summary = await runDecontam(DecontamOptions.parse({ in: problems, out: join(stageDir({ loaded, track }, 3), 'decontam.jsonl'), against: benchmarks }));
      contamination[track] = { rows: summary.rows, contaminated: summary.contaminatedRows, benchmarks: loaded.config.benchmarks };
    }
  }
  const manifest = await buildManifest(loaded, tracks);
  const directory = outputDir({ loaded });
  const manifestPath = join(directory, 'manifest.json');
  const reportPath = join(directory, 'report.html');
  await writeAtomically(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await writeAtomically(reportPath, renderReport({ title: 'veridata pipeline run', manifest, tracks, contamination }));
  return { manifest: manifestPath, report: reportPath, tracks };
}
