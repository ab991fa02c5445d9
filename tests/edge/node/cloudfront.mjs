// Test scaffolding, not shipped: the `cloudfront` module of cloudfront-js-2.0 as far as sitepush's function
// uses it — cf.kvs() with get(), which rejects a missing key as the runtime's does ("Helper methods for key
// value stores"). The map comes from globalThis.__sitepushStore; every get is counted.
export const calls = { gets: 0 };

export default {
  kvs() {
    return {
      async get(key) {
        calls.gets += 1;
        const store = globalThis.__sitepushStore || {};
        if (Object.prototype.hasOwnProperty.call(store, key)) return store[key];
        throw new Error(`key not found: ${key}`);
      },
    };
  },
};
