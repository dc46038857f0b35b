import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidOptionError } from '../src/core/errors.js';
import { AtomicFile } from '../src/core/io/write-jsonl.js';
import { createReadStream } from 'node:fs';
import { finishStage1 } from './stage1.js';
import { finishStage2 } from './stage2.js';
import { finishStage3 } from './stage3.js';
import { shown, type StageContext, stageDir } from './stage-context.js';

/** The per-record outputs of each stage, in the order they are joined; everything else is recomputed after joining. */
const PER_RECORD: Record<1 | 2 | 3, readonly string[]> = {
  1: ['generations.jsonl', 'failures.jsonl'],
  2: ['trials.jsonl', 'triplets.jsonl', 'retry.jsonl', 'failures.jsonl'],
  3: ['problems.jsonl', 'dpo.jsonl', 'dpo.jsonl.responses.jsonl', 'dpo.jsonl.failures.jsonl', 'style/style.jsonl'],
};

/** What a merge joined. */
export interface MergeSummary {
  readonly track: string;
  readonly stage: number;
  readonly shards: number;
  readonly records: number;
  readonly files: Record<string, number>;
}

/**
 * Joins the shard outputs of a stage into the stage directory, shard 0 first: shards are contiguous slices of the
 * input in order, so the joined files equal an unsharded run's. Refuses to join while a shard is missing or unfinished,
 * then finishes the stage as an unsharded run would (dedup, pass@k, SFT set and exports).
 */
export async function mergeShards(context: Pick<StageContext, 'loaded' | 'track'>, stage: 1 | 2 | 3): Promise<MergeSummary> {
  const base = stageDir(context, stage);
  const shardsDirectory = join(base, 'shards');
  const names = existsSync(shardsDirectory) ? await readdir(shardsDirectory) : [];
  const shards = names.map((name) => /^(\d+)-of-(\d+)$/.exec(name)).filter((match) => match !== null).map((match) => ({ index: Number(match![1]), count: Number(match![2]), name: match![0] }));
  if (shards.length === 0) throw new InvalidOptionError('--stage', `no shard outputs under ${shown(shardsDirectory)}: run the stage with --shard k/n first`);
  const count = shards[0]!.count;
  if (shards.some((shard) => shard.count !== count)) throw new InvalidOptionError('--stage', `${shown(shardsDirectory)} mixes shard counts (${[...new Set(shards.map((shard) => shard.count))].join(', ')}); keep one`);
  let records = 0;
  for (let index = 0; index < count; index += 1) {
    const marker = join(shardsDirectory, `${index}-of-${count}`, 'shard.json');
    if (!existsSync(marker)) throw new InvalidOptionError('--stage', `shard ${index}/${count} of stage ${stage} (${context.track}) has not finished: run it (--shard ${index}/${count}) before merging`);
    records += (JSON.parse(await readFile(marker, 'utf8')) as { records: number }).records;
  }
  const files: Record<string, number> = {};
  for (const name of PER_RECORD[stage]) {
    const parts = Array.from({ length: count }, (_, index) => join(shardsDirectory, `${index}-of-${count}`, name)).filter((path) => existsSync(path));
    if (parts.length === 0) continue;
    const target = join(base, name);
    await mkdir(dirname(target), { recursive: true });
    const file = new AtomicFile(target);
    await file.open();
    let bytes = 0;
    try {
      for (const part of parts) {
        // Decoded by the stream, so a character split across chunks is whole when written.
        for await (const chunk of createReadStream(part, { encoding: 'utf8' }) as AsyncIterable<string>) {
          bytes += Buffer.byteLength(chunk);
          const wait = file.write(chunk);
          if (wait) await wait;
        }
      }
      await file.commit();
    } catch (error) {
      await file.discard();
      throw error;
    }
    files[name] = bytes;
  }
  const finishing = { ...context };
  if (stage === 1) await finishStage1(finishing);
  else if (stage === 2) await finishStage2(finishing);
  else await finishStage3(finishing);
  return { track: context.track, stage, shards: count, records, files };
}
