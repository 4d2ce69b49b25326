import jwt from 'jsonwebtoken';
import logger from '../logger';

export function decodeInvite(token: string): { email: string } | null {
  try {
    return jwt.verify(token, process.env.INVITE_SECRET as string) as { email: string };
  } catch {
    return null;
  }
}

export function checkApiKey(token: string): boolean {
  try {
    jwt.verify(token, process.env.API_SECRET as string);
    return true;
  } catch (err) {
    logger.error({ err }, 'API key token rejected');
    return false;
  }
}
