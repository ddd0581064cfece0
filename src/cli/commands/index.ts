import type { CliCommand } from '../command';
import { askCommand } from './ask';
import { canvasCommand } from './canvas';
import { chartCommand } from './chart';
import { clipCommand } from './clip';
import { compileCommand } from './compile';
import { diagramCommand } from './diagram';
import { doctorCommand } from './doctor';
import { evalCommand } from './eval';
import { getCommand } from './get';
import { imagesCommand } from './images';
import { indexCommand } from './index-vault';
import { lintCommand } from './lint';
import { mcpCommand } from './mcp';
import { relatedCommand } from './related';
import { searchCommand } from './search';
import { slidesCommand } from './slides';
import { synthCommand } from './synth';
import { tidyCommand } from './tidy';
import { undoCommand } from './undo';

/** Every command, in the order `--help` lists them. Add new commands here. */
export const COMMANDS: CliCommand[] = [compileCommand, undoCommand, tidyCommand, imagesCommand, clipCommand, askCommand, searchCommand, relatedCommand, getCommand, indexCommand, lintCommand, mcpCommand, slidesCommand, chartCommand, diagramCommand, canvasCommand, synthCommand, evalCommand, doctorCommand];
