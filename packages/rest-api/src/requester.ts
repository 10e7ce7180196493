/** Who made a request, for the logs of changes it makes: its address, as the server saw it. */
export function requesterOf(request: { ip: string; headers: Record<string, unknown> }): string {
  const agent = request.headers['user-agent'];
  return typeof agent === 'string' && agent ? `${request.ip} (${agent})` : request.ip;
}
