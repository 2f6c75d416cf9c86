'use client';

import { useEffect, useState } from 'react';

/** Time left on an upstream hold, ticking down in the browser; the server decides on checkout. */
export function HoldCountdown({ secondsLeft }: { secondsLeft: number }) {
  const [left, setLeft] = useState(secondsLeft);
  useEffect(() => {
    const timer = setInterval(() => setLeft((value) => Math.max(0, value - 1)), 1000);
    return () => clearInterval(timer);
  }, []);
  if (left <= 0) return <span className="text-red-800">Hold expired</span>;
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, '0');
  return (
    <span className={left < 120 ? 'text-amber-800' : 'text-slate-700'}>
      Held for {minutes}:{seconds}
    </span>
  );
}
