/** A logger that says nothing: for tests whose subject logs but whose assertions are elsewhere. */
export const silentLog = { info: (): void => undefined, warn: (): void => undefined, error: (): void => undefined };

/** A logger whose calls a test can inspect (each level a jest mock). */
export const spyLog = () => ({ info: jest.fn(), warn: jest.fn(), error: jest.fn() });
