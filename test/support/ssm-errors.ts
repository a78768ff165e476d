import { SsmError } from '../../lambdas/ssm-protocol/errors';

/** The SSM error a call throws, as { type, message, httpStatus }; fails when it throws none, or something else. */
export function thrown(call: () => unknown): { type: string; message: string; httpStatus: number } {
  try {
    call();
  } catch (error) {
    if (error instanceof SsmError) return { type: error.type, message: error.message, httpStatus: error.httpStatus };
    throw error;
  }
  throw new Error('no error thrown');
}
