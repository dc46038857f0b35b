import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { InputUnreadableError, InvalidOptionError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { withInterruptHandling } from '../../core/signals.js';
import { loadPipelineConfig, type LoadedPipeline, Track, tracksOf } from '../../../pipeline/config.js';
import { ensureDemoCache } from '../../../pipeline/demo-cache.js';
import { mergeShards } from '../../../pipeline/merge.js';
import { writeRunReport } from '../../../pipeline/report/write-report.js';
import { runStage1 } from '../../../pipeline/stage1.js';
import { runStage2 } from '../../../pipeline/stage2.js';
import { runStage3 } from '../../../pipeline/stage3.js';
import { resolveShard, type StageContext } from '../../../pipeline/stage-context.js';
import { printSummary } from '../print.js';

interface StageFlags {
  config: string;
  track?: string;
  shard?: string;
  shards?: string;
  outputDir?: string;
  json?: boolean;
}

/** The config of a pipeline command: `--config`, else veridata.yaml in the working directory. */
async function loadConfig(flags: Pick<StageFlags, 'config' | 'outputDir'>): Promise<LoadedPipeline> {
  const path = resolve(flags.config);
  if (!existsSync(path)) {
    throw Object.assign(new InputUnreadableError(flags.config, new Error('no pipeline config here')), {
      hint: 'Run it where veridata.yaml is, or name one with --config FILE (the checkout ships veridata.yaml, the offline demo config).',
    });
  }
  const loaded = await loadPipelineConfig(path);
  return flags.outputDir === undefined ? loaded : { ...loaded, config: { ...loaded.config, output_dir: resolve(flags.outputDir) } };
}

function trackFlag(value: string | undefined): Track | undefined {
  if (value === undefined) return undefined;
  const parsed = Track.safeParse(value);
  if (!parsed.success) throw new InvalidOptionError('--track', `expected ${Track.options.join(' or ')}, got "${value}"`);
  return parsed.data;
}

const runners = { 1: runStage1, 2: runStage2, 3: runStage3 } as const;

/** One line per summary: its plain figures, and the counts of its nested tallies, for a person reading a terminal. */
function describe(summary: unknown): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(summary as Record<string, unknown>)) {
    if (key === 'track') continue;
    if (typeof value === 'number') parts.push(`${key} ${Number.isInteger(value) ? value : value.toFixed(4)}`);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const inner = Object.entries(value as Record<string, unknown>).filter(([, item]) => typeof item === 'number');
      if (inner.length > 0 && inner.length <= 8) parts.push(`${key} {${inner.map(([name, item]) => `${name} ${item}`).join(', ')}}`);
    }
  }
  return parts.join('; ');
}

/** `veridata stage <1|2|3>`: one stage of the pipeline, for every track of the config (or `--track`). */
export function makeStageCommand(): Command {
  return new Command('stage')
    .description('Run one stage of the pipeline: 1 seeds -> questions, 2 questions -> verified triplets, 3 triplets -> SFT/DPO data')
    .argument('<n>', 'the stage: 1, 2 or 3')
    .option('--config <file>', 'pipeline config', 'veridata.yaml')
    .addOption(new Option('--track <name>', 'only this track (default: every track the config has)').choices(Track.options))
    .option('--shard <k/n>', 'only the k-th of n contiguous slices of the input (0-based); join them with veridata merge')
    .option('--shards <n>', 'the shard count when the index comes from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID')
    .option('--output-dir <dir>', 'write here instead of the config output_dir')
    .option('--json', 'print the summary as one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n  pnpm stage:1                      # veridata stage 1 with ./veridata.yaml\n  pnpm veridata stage 2 --config my.yaml --track code\n  JOB_COMPLETION_INDEX=3 pnpm veridata stage 2 --shards 8   # one shard of a Kubernetes Indexed Job\n',
    )
    .action(async (n: string, flags: StageFlags) => {
      if (n !== '1' && n !== '2' && n !== '3') throw new InvalidOptionError('<n>', `expected 1, 2 or 3, got "${n}"`);
      const loaded = await loadConfig(flags);
      const shard = resolveShard(flags.shard, flags.shards);
      // The demo config replays authored fixtures: their cache is compiled here when missing or out of date.
      if (await ensureDemoCache(loaded)) process.stderr.write(`compiled the authored demo fixtures into ${loaded.config.cache.path}\n`);
      const summaries: unknown[] = [];
      for (const track of tracksOf(loaded, trackFlag(flags.track))) {
        const summary = await withInterruptHandling<unknown>((signal) => {
          const context: StageContext = { loaded, track, ...(shard ? { shard } : {}), signal, progress: (label, total) => createProgress({ label, ...(total === undefined ? {} : { total }) }) };
          return runners[n](context);
        });
        summaries.push(summary);
      }
      printSummary(summaries.map((summary) => [`stage ${n} ${(summary as { track: string }).track}`, describe(summary)] as [string, string]), { stage: Number(n), tracks: summaries }, { json: flags.json === true });
    });
}

/** `veridata merge --stage N`: joins the shard outputs of a stage in shard order, then finishes the stage. */
export function makeMergeCommand(): Command {
  return new Command('merge')
    .description('Join the shard outputs of a stage (in shard order, so the result equals an unsharded run) and finish the stage')
    .requiredOption('--stage <n>', 'the stage whose shards to join: 1, 2 or 3')
    .option('--config <file>', 'pipeline config', 'veridata.yaml')
    .addOption(new Option('--track <name>', 'only this track').choices(Track.options))
    .option('--output-dir <dir>', 'the output directory the shards wrote to')
    .option('--json', 'print the summary as one JSON object')
    .action(async (flags: StageFlags & { stage: string }) => {
      if (!['1', '2', '3'].includes(flags.stage)) throw new InvalidOptionError('--stage', `expected 1, 2 or 3, got "${flags.stage}"`);
      const loaded = await loadConfig(flags);
      const summaries = [];
      for (const track of tracksOf(loaded, trackFlag(flags.track))) summaries.push(await mergeShards({ loaded, track }, Number(flags.stage) as 1 | 2 | 3));
      printSummary(summaries.map((summary) => [`merged ${summary.track}`, describe(summary)] as [string, string]), { merged: summaries }, { json: flags.json === true });
    });
}

/** `veridata report`: the run's manifest.json and report.html, from what the stages wrote. */
export function makeReportCommand(): Command {
  return new Command('report')
    .description('Write the manifest (config hash, seeds, models, versions, counts) and a self-contained report.html of a pipeline run')
    .option('--config <file>', 'pipeline config', 'veridata.yaml')
    .option('--output-dir <dir>', 'the run directory (default: the config output_dir)')
    .option('--json', 'print the summary as one JSON object')
    .action(async (flags: StageFlags) => {
      const loaded = await loadConfig(flags);
      const written = await writeRunReport(loaded);
      printSummary([['report', written.report], ['manifest', written.manifest]], written, { json: flags.json === true });
    });
}
