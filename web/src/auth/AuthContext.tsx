import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  ApiError,
  setCsrfToken,
  setPasswordChangeRequiredHandler,
  setUnauthorizedHandler,
} from '../api/client';
import type { SessionUser } from '../api/types';
import { authApi } from './auth-api';

interface AuthState {
  /** undefined while the initial /auth/me is in flight, null when signed out. */
  user: SessionUser | null | undefined;
  /** Why the user was sent back to the login page, if it was not their own doing. */
  notice: string | null;
  /** True after the user signed out themselves: the next sign-in starts at the workbench, not their last page. */
  signedOutByUser: boolean;
  login(username: string, password: string): Promise<SessionUser>;
  logout(): Promise<void>;
  /** Re-reads the session (after a password change); returns null when the session is gone. */
  refresh(): Promise<SessionUser | null>;
  /** Ends the local session with a notice shown on the login page. */
  endSession(notice: string | null): void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [signedOutByUser, setSignedOutByUser] = useState(false);

  const endSession = useCallback((text: string | null) => {
    setCsrfToken(null);
    setUser(null);
    setNotice(text);
    setSignedOutByUser(false);
  }, []);

  const refresh = useCallback(async () => {
    try {
      const me = await authApi.me();
      setCsrfToken(me.csrfToken);
      setUser(me.user);
      return me.user;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        setUser(null);
        return null;
      }
      throw error;
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler((error) => {
      endSession(error.code === 'AUTH_SESSION_EXPIRED' ? '会话已超时，请重新登录' : '登录已失效，请重新登录');
    });
    setPasswordChangeRequiredHandler(() => {
      void refresh();
    });
    refresh().catch(() => setUser(null));
    return () => {
      setUnauthorizedHandler(null);
      setPasswordChangeRequiredHandler(null);
    };
  }, [endSession, refresh]);

  const login = useCallback(async (username: string, password: string) => {
    const result = await authApi.login(username, password);
    setCsrfToken(result.csrfToken);
    setNotice(null);
    setSignedOutByUser(false);
    setUser(result.user);
    return result.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      endSession(null);
      setSignedOutByUser(true);
    }
  }, [endSession]);

  const value = useMemo<AuthState>(
    () => ({ user, notice, signedOutByUser, login, logout, refresh, endSession }),
    [user, notice, signedOutByUser, login, logout, refresh, endSession],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

/** The signed-in user; only for components rendered behind the login guard. */
export function useCurrentUser(): SessionUser {
  const { user } = useAuth();
  if (!user) throw new Error('useCurrentUser used without a signed-in user');
  return user;
}
