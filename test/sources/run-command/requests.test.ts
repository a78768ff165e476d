import { readGetCommandInvocation, readListCommandInvocations, readListCommands, selectPlugin } from '../../../lambdas/sources/run-command/requests';
import { thrown } from '../../support/ssm-errors';

/** Run Command's read requests, checked in the order SSM reports problems. */
const COMMAND_ID = 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b';

describe('Run Command requests', () => {
  it('reads a bare listing with SSM\'s defaults: 50 a page, no filters, no Details', () => {
    expect(readListCommands({})).toEqual({
      commandId: undefined,
      instanceId: undefined,
      maxResults: 50,
      filters: [],
      nextToken: undefined,
      tokenQuery: { commandId: undefined, instanceId: undefined, filters: null },
    });
    expect(readListCommandInvocations({})).toMatchObject({ maxResults: 50, details: false });
  });

  it('reads every member of a listing, and binds the token to the ids and filters, not to the page size or Details', () => {
    const filters = [{ key: 'Status', value: 'Failed' }];
    const listing = readListCommandInvocations({ CommandId: COMMAND_ID, InstanceId: 'i-12345678', MaxResults: 7, Filters: filters, NextToken: 't', Details: true });
    expect(listing).toEqual({
      commandId: COMMAND_ID,
      instanceId: 'i-12345678',
      maxResults: 7,
      filters: [{ key: 'Status', value: 'Failed' }],
      nextToken: 't',
      details: true,
      tokenQuery: { commandId: COMMAND_ID, instanceId: 'i-12345678', filters },
    });
    expect(readListCommandInvocations({ CommandId: COMMAND_ID, MaxResults: 1, Details: false }).tokenQuery).toEqual(readListCommandInvocations({ CommandId: COMMAND_ID }).tokenQuery);
  });

  it('takes MaxResults 1 to 50', () => {
    expect(readListCommands({ MaxResults: 1 }).maxResults).toBe(1);
    expect(readListCommands({ MaxResults: 50 }).maxResults).toBe(50);
    expect(thrown(() => readListCommands({ MaxResults: 0 })).type).toBe('ValidationException');
    expect(thrown(() => readListCommands({ MaxResults: 51 })).message).toContain("at 'maxResults'");
  });

  it('reports a bad InstanceId before a bad page size, filters or CommandId, and a bad CommandId last', () => {
    const everythingWrong = { CommandId: 'short', InstanceId: 'node-1', MaxResults: 0, Filters: [] };
    expect(thrown(() => readListCommands(everythingWrong)).type).toBe('InvalidInstanceId');
    expect(thrown(() => readListCommands({ ...everythingWrong, InstanceId: undefined })).message).toContain("at 'maxResults'");
    expect(thrown(() => readListCommands({ ...everythingWrong, InstanceId: undefined, MaxResults: 5 })).message).toContain("at 'filters'");
    expect(thrown(() => readListCommands({ CommandId: 'short', Filters: [{ key: 'Nope', value: 'x' }] })).type).toBe('InvalidFilterKey');
    expect(thrown(() => readListCommands({ CommandId: 'short' }))).toMatchObject({
      type: 'ValidationException',
      message: "1 validation error detected: Value 'short' at 'commandId' failed to satisfy constraint: Member must have length equal to 36",
    });
  });

  it('applies each listing\'s own filter keys', () => {
    expect(readListCommands({ Filters: [{ key: 'ExecutionStage', value: 'Complete' }] }).filters).toEqual([{ key: 'ExecutionStage', value: 'Complete' }]);
    expect(thrown(() => readListCommandInvocations({ Filters: [{ key: 'ExecutionStage', value: 'Complete' }] })).type).toBe('InvalidFilterKey');
  });

  it('requires CommandId then InstanceId for GetCommandInvocation, and checks them after reading both', () => {
    expect(readGetCommandInvocation({ CommandId: COMMAND_ID, InstanceId: 'mi-0123456789abcdef0', PluginName: 'aws:runShellScript' })).toEqual({
      commandId: COMMAND_ID,
      instanceId: 'mi-0123456789abcdef0',
      pluginName: 'aws:runShellScript',
    });
    expect(readGetCommandInvocation({ CommandId: COMMAND_ID, InstanceId: 'i-12345678' }).pluginName).toBeUndefined();
    expect(thrown(() => readGetCommandInvocation({ InstanceId: 'bad' })).message).toContain("Value null at 'commandId'");
    expect(thrown(() => readGetCommandInvocation({ CommandId: 'short' })).message).toContain("Value null at 'instanceId'");
    expect(thrown(() => readGetCommandInvocation({ CommandId: 'short', InstanceId: 'bad', PluginName: 3 })).type).toBe('SerializationException');
    expect(thrown(() => readGetCommandInvocation({ CommandId: 'short', InstanceId: 'bad' })).message).toContain("at 'commandId' failed to satisfy constraint: Member must have length equal to 36");
    expect(thrown(() => readGetCommandInvocation({ CommandId: COMMAND_ID, InstanceId: 'bad' }))).toEqual({ type: 'InvalidInstanceId', message: 'Instance Id bad is not valid', httpStatus: 400 });
  });

  it('selects the named plugin, or the only one; anything else is InvalidPluginName', () => {
    const plugins = [{ Name: 'one' }, { Name: 'two' }];
    const nameOf = (plugin: { Name?: string }) => plugin.Name;
    expect(selectPlugin(plugins, nameOf, 'two')).toBe(plugins[1]);
    expect(selectPlugin([{ Name: 'only' }], nameOf, undefined)).toEqual({ Name: 'only' });
    expect(thrown(() => selectPlugin(plugins, nameOf, 'three'))).toEqual({ type: 'InvalidPluginName', message: 'Plugin three is not part of this invocation', httpStatus: 400 });
    expect(thrown(() => selectPlugin(plugins, nameOf, undefined))).toEqual({
      type: 'InvalidPluginName',
      message: 'The document has more than one step: PluginName is required',
      httpStatus: 400,
    });
    expect(thrown(() => selectPlugin([], nameOf, undefined)).type).toBe('InvalidPluginName');
  });
});
