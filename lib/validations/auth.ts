import { z } from 'zod';

export const loginSchema = z.object({
  email: z.string({ message: 'Enter your email' }).trim().toLowerCase().email('Enter a valid email address').max(254),
  password: z.string({ message: 'Enter your password' }).min(1, 'Enter your password').max(512),
});
