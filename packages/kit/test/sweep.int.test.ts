import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Schema, type Connection, type Model } from 'mongoose';
import { connectMongo, SweepMarks, unswept } from '../src/index.js';

// The integration project's database (declared in find-by-ids.int.test.ts: kit cannot import the harness).

interface TaskDoc {
  _id: string;
  createdAt: Date;
  sweptAt: Date | null;
  unswept: boolean;
}

let conn: Connection;
let Task: Model<TaskDoc>;
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

beforeAll(async () => {
  conn = await connectMongo(inject('mongoUrl'), `kit_sweep_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
  Task = conn.model<TaskDoc>(
    'Task',
    new Schema<TaskDoc>(
      { _id: String, createdAt: Date, sweptAt: { type: Date, default: null }, unswept: { type: Boolean, required: true } },
      { versionKey: false },
    ),
  );
});

afterAll(async () => {
  await conn?.dropDatabase();
  await conn?.close();
});

const openIds = async (marks: SweepMarks, before = at(60)) =>
  (
    await Task.find({ ...(await marks.open()), createdAt: { $lte: before } })
      .sort({ createdAt: 1 })
      .lean()
  ).map((d) => d._id);

describe('SweepMarks', () => {
  it('finds what is open by the flag, adopts open documents written before it once, and settles', async () => {
    await Task.create([
      { _id: 'new-1', createdAt: at(1), ...unswept() },
      { _id: 'new-2', createdAt: at(5), ...unswept() },
      { _id: 'done', createdAt: at(2), sweptAt: at(3), unswept: false },
    ]);
    // Written by a version before the flag: no `unswept` field at all, settled or not.
    await Task.collection.insertMany([
      { _id: 'legacy-open', createdAt: at(3), sweptAt: null } as never,
      { _id: 'legacy-done', createdAt: at(4), sweptAt: at(6) } as never,
    ]);

    const marks = new SweepMarks(Task);
    expect(await openIds(marks)).toEqual(['new-1', 'legacy-open', 'new-2']);
    expect(await openIds(marks, at(4))).toEqual(['new-1', 'legacy-open']);
    expect((await Task.findById('legacy-open').lean())!.unswept).toBe(true);
    expect((await Task.findById('legacy-done').lean())!.unswept).toBeUndefined();

    await marks.settle('legacy-open', at(10));
    await marks.settle('new-1', at(10));
    expect(await openIds(marks)).toEqual(['new-2']);
    expect(await Task.findById('new-1').lean()).toMatchObject({ sweptAt: at(10), unswept: false });
  });

  it('adopts once per instance, and tries again after a failed adoption', async () => {
    let calls = 0;
    let fail = true;
    const model = {
      updateMany: () => ({
        exec: () => {
          calls++;
          return fail ? Promise.reject(new Error('database away')) : Promise.resolve();
        },
      }),
      updateOne: () => ({ exec: () => Promise.resolve() }),
    };
    const marks = new SweepMarks(model);
    await expect(marks.open()).rejects.toThrow('database away');
    fail = false;
    await expect(marks.open()).resolves.toEqual({ unswept: true });
    await marks.open();
    expect(calls).toBe(2);
  });
});
