/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** '1' only in bench/encryption.ts's comparison build (dist-noseal/): records stored unsealed. */
  readonly VITE_FULLGRID_NO_SEAL?: string
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

