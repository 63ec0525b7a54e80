import mongoose from 'mongoose';

/** True when a MongoDB-protocol server at `url` answers `ping`. */
export async function pingMongo(url: string): Promise<boolean> {
  const conn = mongoose.createConnection(url, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
  try {
    await conn.asPromise();
    const res = await conn.db!.admin().command({ ping: 1 });
    return res.ok === 1;
  } finally {
    await conn.close().catch(() => {});
  }
}
