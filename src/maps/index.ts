import './lmdb/index.js';
