/**
 * Who may act on the status pages, decided per request: the rules of security.ts (Origin, the session's
 * CSRF token, this machine or signed in, the UI token as a bearer) put together, with wrong UI tokens
 * counted per client, limited and logged without the token.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../core/log.js';
import type { Viewer } from './pages.js';
import { clientOf, isLocalRequest, type Session, Sessions, SignInLimiter, sameOrigin } from './security.js';

/** Wrong UI tokens one client may try in a minute. */
export const SIGN_IN_LIMIT = 10;

export type Verdict = { ok: true; via: string } | { ok: false; status: number; reason: string };

export interface AccessOptions {
  readonly token: string | undefined;
  readonly log: Logger;
  /** Whether a request comes from this machine (default: isLocalRequest). */
  readonly isLocal?: ((req: IncomingMessage) => boolean) | undefined;
  /** Called for every wrong UI token: for a counter in /metrics. */
  readonly wrongToken?: ((via: 'login' | 'bearer') => void) | undefined;
}

export class Access {
  readonly sessions: Sessions;
  private readonly limiter = new SignInLimiter(SIGN_IN_LIMIT);
  private readonly isLocal: (req: IncomingMessage) => boolean;

  constructor(private readonly options: AccessOptions) {
    this.sessions = new Sessions(options.token);
    this.isLocal = options.isLocal ?? isLocalRequest;
  }

  viewerOf(req: IncomingMessage, session: Session): Viewer {
    const local = this.isLocal(req);
    return {
      csrf: session.csrf,
      local,
      signedIn: session.signedIn,
      canAct: local || session.signedIn,
      tokenRequired: this.sessions.tokenRequired,
    };
  }

  /** This client has tried too many wrong UI tokens in the last minute. */
  blocked(req: IncomingMessage): boolean {
    return this.limiter.blocked(clientOf(req));
  }

  /** Counts a wrong UI token against its client and logs it (never the token itself). */
  wrongToken(req: IncomingMessage, via: 'login' | 'bearer'): void {
    const client = clientOf(req);
    const failures = this.limiter.failed(client);
    this.options.wrongToken?.(via);
    const what = via === 'login' ? 'sign-in with a wrong UI token' : 'a wrong bearer token';
    // One line per failure up to the limit, then none while it is blocked: a flood cannot flood the log.
    if (failures <= SIGN_IN_LIMIT)
      this.options.log.warn(`${what} from ${client} (${failures} in the last minute)`);
  }

  /** Logs a refused action; wrong tokens (401) and blocked clients (429) are logged by wrongToken. */
  logRefusal(req: IncomingMessage, verdict: { status: number; reason: string }): void {
    if (verdict.status === 401 || verdict.status === 429) return;
    this.options.log.warn(
      `poll now refused (${req.socket.remoteAddress ?? 'unknown'}, origin ${req.headers.origin ?? 'none'}): ${verdict.reason}`,
    );
  }

  /**
   * May this request act? Origin first (a page of another origin is refused whatever it sends), then
   * the session's CSRF token, then who it is: this machine, or signed in. A script with the token as a
   * bearer needs neither cookie nor CSRF token (a page of another origin cannot send that header).
   */
  authorize(req: IncomingMessage, session: Session, csrf: string | undefined): Verdict {
    const origin = req.headers.origin;
    const bearer = this.sessions.bearer(req);
    if (bearer !== 'none' && this.blocked(req))
      return {
        ok: false,
        status: 429,
        reason: 'refused: too many wrong UI tokens from this address: wait a minute',
      };
    if (bearer === 'wrong') {
      this.wrongToken(req, 'bearer');
      return { ok: false, status: 401, reason: 'refused: that bearer token is not the UI token' };
    }
    if (bearer === 'valid') {
      if (origin !== undefined && !sameOrigin(req))
        return { ok: false, status: 403, reason: 'refused: the request comes from another origin' };
      return { ok: true, via: 'token' };
    }
    if (!sameOrigin(req))
      return {
        ok: false,
        status: 403,
        reason: 'refused: the request does not come from this page (its Origin is not this server)',
      };
    if (!this.sessions.csrfValid(session, csrf))
      return {
        ok: false,
        status: 403,
        reason: 'refused: missing or wrong CSRF token (reload the page and try again)',
      };
    if (this.isLocal(req)) return { ok: true, via: 'this machine' };
    if (session.signedIn) return { ok: true, via: 'signed in' };
    return {
      ok: false,
      status: 403,
      reason: this.sessions.tokenRequired
        ? 'refused: actions from another machine need signing in with the UI token'
        : 'refused: actions are allowed only from this machine (start git-watch with --ui-token to allow them elsewhere)',
    };
  }
}
