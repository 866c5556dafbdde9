using System.Collections.Concurrent;

namespace BuildState.Locking;

/// <summary>
/// Runs a blocking call that cannot time out by itself (a kernel lock wait: <c>flock(LOCK_EX)</c>,
/// <c>F_OFD_SETLKW</c>) on a parked helper thread, so that its caller can give up at a deadline. The
/// kernel wakes the helper when the lock is free; nothing polls. A call that completes after its
/// caller gave up is handed to <c>late</c> on the helper (which releases a lock granted too late), so
/// an abandoned wait never keeps a lock. Without signals: interrupting a thread blocked in a system
/// call would need one, and the runtime uses signals of its own.
/// </summary>
internal static class AbandonableWait
{
    /// <summary>How long an idle helper stays parked before its thread ends (MSBuild nodes live long).</summary>
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentStack<Helper> Idle = new();

    /// <summary>
    /// Runs <paramref name="blocking"/> (it returns 0 or an errno) and waits for it up to
    /// <paramref name="timeout"/>. True with its result when it finished in time; false when the
    /// caller gave up, and then <paramref name="late"/> gets the result whenever it comes.
    /// <paramref name="longWait"/> runs on the caller's thread once the call has taken <paramref name="longWaitAfter"/>.
    /// </summary>
    public static bool Run(Func<int> blocking, Action<int> late, TimeSpan timeout, TimeSpan longWaitAfter, Action longWait, out int result)
    {
        var call = new Call(blocking, late);
        RentHelper().Start(call);
        var done = longWaitAfter < timeout && call.Done.Wait(longWaitAfter);
        if (!done && longWaitAfter < timeout)
        {
            longWait();
        }

        done = done || call.Done.Wait(longWaitAfter < timeout ? timeout - longWaitAfter : timeout);
        if (!done && Interlocked.CompareExchange(ref call.State, Call.Abandoned, Call.Pending) == Call.Pending)
        {
            result = 0;
            return false;
        }

        call.Done.Wait(); // finished just as the caller was giving up: it is the caller's
        result = call.Error is null ? call.Result : throw new InvalidOperationException("a blocking lock call failed", call.Error);
        return true;
    }

    private static Helper RentHelper()
    {
        while (Idle.TryPop(out var helper))
        {
            if (helper.TryClaim())
            {
                return helper;
            }
        }

        return Helper.StartNew();
    }

    private sealed class Call(Func<int> blocking, Action<int> late)
    {
        public const int Pending = 0, Finished = 1, Abandoned = 2;
        public readonly ManualResetEventSlim Done = new();
        public int State;
        public int Result;
        public Exception? Error;

        public void Execute()
        {
            try
            {
                Result = blocking();
            }
            catch (Exception e)
            {
                Error = e; // a helper must never take its process down
            }

            if (Interlocked.CompareExchange(ref State, Finished, Pending) == Pending)
            {
                Done.Set();
            }
            else
            {
                late(Result);
            }
        }
    }

    /// <summary>One parked thread: it runs a call, parks itself in <see cref="Idle"/>, and ends after <see cref="IdleLifetime"/> unused.</summary>
    private sealed class Helper
    {
        private const int Parked = 0, Claimed = 1, Retired = 2;
        private readonly SemaphoreSlim _work = new(0);
        private int _state = Claimed;
        private Call? _call;

        public static Helper StartNew()
        {
            var helper = new Helper();
            new Thread(helper.Loop, 256 * 1024) { IsBackground = true, Name = "BuildState lock wait" }.Start();
            return helper;
        }

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Parked) == Parked;

        public void Start(Call call)
        {
            _call = call;
            _work.Release(); // publishes _call to the helper thread
        }

        private void Loop()
        {
            while (true)
            {
                if (!_work.Wait(IdleLifetime))
                {
                    if (Interlocked.CompareExchange(ref _state, Retired, Parked) == Parked)
                    {
                        return; // its entry in Idle is skipped by the next renter
                    }

                    continue; // claimed just now: the call is on its way
                }

                var call = _call!;
                _call = null;
                call.Execute();
                Volatile.Write(ref _state, Parked);
                Idle.Push(this);
            }
        }
    }
}
