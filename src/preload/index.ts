// The renderer's only window on the outside: where the core is and the token to reach it.
import { contextBridge } from 'electron';

const arg = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

contextBridge.exposeInMainWorld('swfControlCenter', {
  controlUrl: arg('swf-cc-url') ?? '',
  token: arg('swf-cc-token') ?? '',
});
