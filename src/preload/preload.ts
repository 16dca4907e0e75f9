// Electron preload of every Sotto window (sandboxed, context-isolated): exposes window.sotto.
import { contextBridge, ipcRenderer } from 'electron';
import { buildPreloadApi } from './bridge.ts';

contextBridge.exposeInMainWorld('sotto', buildPreloadApi(ipcRenderer));
