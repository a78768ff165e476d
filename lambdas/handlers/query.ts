import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { queryConfigFrom } from '../config';
import { createLog } from '../log';
import { apiRequestFromEvent, resultFromResponse } from '../query/api-gateway';
import { createQueryApi } from '../query/router';
import { alertDescriptions } from '../alerts/alert';
import { DEFAULT_SERVICE_NAME } from '../operational-metrics';

/**
 * API Gateway (HTTP API, payload format 2.0) -> the query API. Configuration is read once,
 * at cold start, and a missing table or key fails the start; the client lives as long as
 * the execution environment.
 */
const config = queryConfigFrom(process.env);
const log = createLog(process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME);
const api = createQueryApi({
  db: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  tableNames: config.tableNames,
  pageTokenKey: config.pageTokenKey,
  log,
  alerts: alertDescriptions(config.alerts.context, config.alerts.config),
  home: config.home,
  ...(config.organization !== undefined ? { organization: config.organization } : {}),
});

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = apiRequestFromEvent(event);
  const response = await api(request);
  log.info('Answered', {
    method: request.method,
    path: request.path,
    operation: request.headers['x-amz-target'],
    status: response.statusCode,
  });
  return resultFromResponse(response);
};
