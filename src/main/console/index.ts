// Public surface of src/main/console: the terminal host of the core (docs/ARCHITECTURE.md
// "Console host"). `cli.ts` is the `npm start` entry point.
export { runConsole, type RunConsoleOptions } from './console.ts';
export { parseConsoleOptions, CONSOLE_USAGE, type ConsoleOptions } from './options.ts';
export { parseCommand, HELP, USAGE, OWN_STATES, type Command, type OwnStateInput } from './commands.ts';
export { ConsoleSession, type SessionOptions } from './session.ts';
export { Terminal, type TerminalOptions } from './terminal.ts';
export { attachTestbed, testbedAlive, gatewayAnswers, type AttachedTestbed, type AttachTestbedOptions } from './testbed-host.ts';
export { TESTBED_CORE_TIMINGS, testbedServices } from './testbed-timings.ts';
export { formatEvent, formatContact, formatInvitation, formatMessage, formatProfile, formatPresence } from './format.ts';
export { ConsoleError, type ConsoleErrorCode } from './errors.ts';
