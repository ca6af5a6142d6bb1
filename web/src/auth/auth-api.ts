import { api } from '../api/client';
import type { LoginResponse, MeResponse } from '../api/types';

export const authApi = {
  login: (username: string, password: string) =>
    api.post<LoginResponse>('/auth/login', { username, password }, { skipAuthRedirect: true }),
  me: () => api.get<MeResponse>('/auth/me', undefined, { skipAuthRedirect: true }),
  logout: () => api.post<void>('/auth/logout', undefined, { skipAuthRedirect: true }),
  changePassword: (oldPassword: string, newPassword: string) =>
    api.post<void>('/auth/password', { oldPassword, newPassword }),
};
