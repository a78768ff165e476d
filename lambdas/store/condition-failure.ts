/** A conditional write DynamoDB refused because its condition did not hold: an answer, not an error. */
export const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';
