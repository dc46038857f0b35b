import { Command } from 'commander';
import Docker from 'dockerode';
import { buildImage } from '../../../sandbox/images/build-image.js';
import { defaultRecipe, imageTag } from '../../../sandbox/images/recipe.js';
import { sandboxes } from '../../../sandbox/index.js';
import { dockerClients } from '../../../sandbox/docker.js';
import { printSummary } from '../print.js';

async function engineAnswers(docker: Docker): Promise<boolean> {
  return docker.ping().then(
    () => true,
    () => false,
  );
}

/** `veridata sandbox build`: the offline image (rootfs for bwrap, `docker import` for each engine that answers). */
function makeBuildCommand(): Command {
  return new Command('build')
    .description('Build the sandbox image offline with mmdebstrap: a Debian root with python3 + pytest, used by bwrap and imported into Docker')
    .option('--docker-host <hosts>', 'comma-separated engines to import into (default DOCKER_HOST or the local socket)')
    .option('--quiet', 'print nothing when the image already exists')
    .option('--json', 'print the report as one JSON object')
    .addHelpText('after', '\nExamples:\n  pnpm veridata sandbox build\n  VERIDATA_SANDBOX_MIRROR=http://mirror.local/debian pnpm veridata sandbox build\n')
    .action(async (flags: { dockerHost?: string; quiet?: boolean; json?: boolean }) => {
      const recipe = defaultRecipe();
      const hosts = flags.dockerHost?.split(',').filter(Boolean);
      const clients = dockerClients(hosts);
      const reports = [];
      let first = true;
      for (const docker of clients) {
        const up = await engineAnswers(docker);
        // The rootfs is built once; each engine that answers gets the import.
        const report = await buildImage({ recipe, ...(up ? { docker } : {}), log: (line) => (flags.quiet ? undefined : process.stderr.write(`sandbox build: ${line}\n`)) });
        reports.push({ ...report, engine: up ? 'imported or present' : 'no engine answered; bwrap only' });
        if (first && report.built && flags.quiet) process.stderr.write(`sandbox build: built ${report.rootfs} in ${report.seconds.toFixed(1)} s\n`);
        first = false;
      }
      const report = reports[0]!;
      if (flags.quiet && !report.built && !report.dockerImported) return;
      printSummary(
        [
          ['image', `${imageTag(recipe)} (${recipe.suite}: ${recipe.packages.join(', ')})`],
          ['rootfs', `${report.rootfs}${report.built ? ` (built in ${report.seconds.toFixed(1)} s)` : ' (already built)'}`],
          ['docker', reports.map((entry) => (entry.dockerImage === undefined ? entry.engine : `${entry.dockerImage} ${entry.dockerImported ? 'imported' : 'present'}`)).join('; ')],
        ],
        reports.length === 1 ? report : reports,
        { json: flags.json === true },
      );
    });
}

/** `veridata sandbox doctor`: which backends work here, and why not. */
function makeDoctorCommand(): Command {
  return new Command('doctor')
    .description('Say which sandbox backends work on this machine, and what each one lacks')
    .option('--docker-host <hosts>', 'comma-separated engines to check (default DOCKER_HOST or the local socket)')
    .option('--json', 'print the statuses as one JSON object')
    .action(async (flags: { dockerHost?: string; json?: boolean }) => {
      const hosts = flags.dockerHost?.split(',').filter(Boolean);
      const statuses = [];
      for (const backend of sandboxes.list()) statuses.push(await backend.status(hosts === undefined ? {} : { dockerHosts: hosts }));
      const auto = statuses.find((status) => status.available && status.name !== 'unsafe-host');
      printSummary(
        [
          ...statuses.map((status): [string, string] => [status.name, `${status.available ? 'ok' : 'unavailable'}: ${status.detail}${status.weaker?.length ? ` (weaker here: ${status.weaker.join('; ')})` : ''}`]),
          ['auto', auto === undefined ? 'no sandbox: verify code refuses to run without --unsafe-no-sandbox' : `uses ${auto.name}`],
        ],
        { statuses, auto: auto?.name ?? null },
        { json: flags.json === true },
      );
    });
}

/** `veridata sandbox`: the image and the backends that run untrusted code. */
export function makeSandboxCommand(): Command {
  return new Command('sandbox').description('Build the sandbox image and check the backends').addCommand(makeBuildCommand()).addCommand(makeDoctorCommand());
}
