import type { CliCommand } from '../command';
import { askCommand } from './ask';
import { doctorCommand } from './doctor';

/** Every command, in the order `--help` lists them. Add new commands here. */
export const COMMANDS: CliCommand[] = [askCommand, doctorCommand];
