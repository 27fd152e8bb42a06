// Ingress controllers: the shared model, ingress-nginx and Traefik, and their installs as addons.
export * from './annotations';
export * from './model';
export * from './addon';
export * from './controllers';
export { unifiedDiff } from './diff';
export * as ingressFixtures from './fixtures';
export type { NginxBlock, NginxComment, NginxDirective, NginxNode, LuaBalancerInfo } from './nginx/conf';
export { renderConf as renderNginxNodes, unquoteArg as unquoteNginxArg } from './nginx/conf';
export * from './nginx/render';
export * from './nginx/match';
export * from './nginx/controller';
export * from './nginx/files';
export * from './traefik/config';
export * from './traefik/match';
export * from './traefik/controller';
