import type { FastifyInstance } from 'fastify';
import { PolicybotError, errorMessage } from '../errors.ts';

export interface ListeningServer {
  /** Local address to open in a browser, e.g. http://localhost:3000. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts listening; a taken port or a bad address becomes a clear E_CONFIG error. */
export async function startServer(app: FastifyInstance, opts: { host: string; port: number }): Promise<ListeningServer> {
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      throw new PolicybotError('E_CONFIG', `port ${opts.port} on ${opts.host} is already in use`, {
        userMessage: `端口 ${opts.port} 已被占用。请设置环境变量 PORT 换一个端口（例如 PORT=${opts.port + 1} policybot start），或先关闭占用该端口的程序。`,
        cause: err,
      });
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
      throw new PolicybotError('E_CONFIG', `cannot listen on ${opts.host}:${opts.port}: ${errorMessage(err)}`, {
        userMessage: `无法在 ${opts.host}:${opts.port} 上启动服务（${code}）。请检查环境变量 HOST 和 PORT（1024 以下的端口需要管理员权限）。`,
        cause: err,
      });
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const shownHost = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(opts.host) ? 'localhost' : opts.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    close: () => app.close(),
  };
}
