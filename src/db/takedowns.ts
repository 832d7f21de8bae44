import type { Db } from './open.js';

export interface TakedownRow {
  id: number;
  article_id: number;
  claimant: string;
  email: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  decision_note: string | null;
  created_at: string;
  decided_at: string | null;
}

export interface AuditRow {
  id: number;
  request_id: number | null;
  article_id: number;
  action: string;
  note: string | null;
  at: string;
}

const COLUMNS = 'id, article_id, claimant, email, reason, status, decision_note, created_at, decided_at';

/** Takedown requests and the audit trail of every action on them. */
export function createTakedownRepository(db: Db) {
  const stmts = {
    insert: db.prepare<[number, string, string, string, string]>(
      'INSERT INTO takedown_requests (article_id, claimant, email, reason, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    byId: db.prepare<[number], TakedownRow>(`SELECT ${COLUMNS} FROM takedown_requests WHERE id = ?`),
    list: db.prepare<[], TakedownRow>(`SELECT ${COLUMNS} FROM takedown_requests ORDER BY id DESC`),
    decide: db.prepare<[string, string | null, string, number]>(
      "UPDATE takedown_requests SET status = ?, decision_note = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
    ),
    audit: db.prepare<[number | null, number, string, string | null, string]>(
      'INSERT INTO takedown_audit (request_id, article_id, action, note, at) VALUES (?, ?, ?, ?, ?)',
    ),
    auditOf: db.prepare<[number], AuditRow>('SELECT id, request_id, article_id, action, note, at FROM takedown_audit WHERE article_id = ? ORDER BY id'),
  };
  return {
    create: (articleId: number, claimant: string, email: string, reason: string, now: string) =>
      Number(stmts.insert.run(articleId, claimant, email, reason, now).lastInsertRowid),
    byId: (id: number) => stmts.byId.get(id),
    list: () => stmts.list.all(),
    /** Decides a pending request; false when it was not pending. */
    decide: (id: number, status: 'approved' | 'rejected', note: string | null, now: string) => stmts.decide.run(status, note, now, id).changes === 1,
    audit: (requestId: number | null, articleId: number, action: string, note: string | null, now: string) => {
      stmts.audit.run(requestId, articleId, action, note, now);
    },
    auditOf: (articleId: number) => stmts.auditOf.all(articleId),
  };
}

export type TakedownRepository = ReturnType<typeof createTakedownRepository>;
