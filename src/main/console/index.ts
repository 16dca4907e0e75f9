// Public surface of src/main/console: the terminal host of the core (docs/ARCHITECTURE.md
// "Console host"). `cli.ts` is the `npm run console` entry point.
export { runConsole, type RunConsoleOptions } from './console.ts';
export { parseConsoleOptions, CONSOLE_USAGE, type ConsoleOptions } from './options.ts';
export { parseCommand, HELP, USAGE, OWN_STATES, type Command, type OwnStateInput } from './commands.ts';
export { ConsoleSession, type SessionOptions } from './session.ts';
export { Terminal, type TerminalOptions } from './terminal.ts';
export { attachTestbed, testbedAlive, gatewayAnswers, watchTestbed, type AttachedTestbed, type AttachTestbedOptions } from './testbed-host.ts';
export { watchTestbedEnd, TESTBED_GONE_WORDS, type TestbedEnd, type TestbedEndOptions } from './testbed-end.ts';
export { DebugLog } from './debug-log.ts';
export { TESTBED_CORE_TIMINGS, TESTBED_TUNING, testbedRun, testbedServices, testbedNetworkServices } from './testbed-timings.ts';
export {
  formatEvent, formatContact, formatContactDetails, formatInvitation, formatMessage, formatProfile, formatPresence, warningWords, type EventContext,
} from './format.ts';
export { MESSAGE_LIMITS } from './commands.ts';
export { ConsoleError, type ConsoleErrorCode } from './errors.ts';
