import type { Command } from 'commander';
import { registerCampaignCommand } from './campaign.command';
import { registerRunCommand } from './run.command';
import { registerAuditCommand } from './audit.command';
import { registerTokenCommand } from './token.command';
import { registerDevicesCommand } from './devices.command';
import { registerVirtualLabCommand } from './virtual-lab.command';
import { registerSuggestCommand } from './suggest.command';
import { registerValidateCommand } from './validate.command';
import { registerPlanCommand } from './plan.command';
import { registerExportCommand } from './export.command';
import { registerImportCommand } from './import.command';
import { registerMeasureCommand } from './measure.command';
import { registerRankCommand } from './rank.command';
import { registerDemoCommand } from '../demo/demo.command';

/** Each command module exports a register function; add yours to this list (one line each). */
export const COMMAND_REGISTRARS: ((program: Command) => void)[] = [
  registerSuggestCommand,
  registerValidateCommand,
  registerPlanCommand,
  registerDevicesCommand,
  registerVirtualLabCommand,
  registerExportCommand,
  registerImportCommand,
  registerMeasureCommand,
  registerRankCommand,
  registerDemoCommand,
  registerAuditCommand,
  registerTokenCommand,
  registerCampaignCommand,
  registerRunCommand,
];
