using System.Diagnostics;
using BuildState.IO;

namespace BuildState.Model;

/// <summary>Decides whether the owner of a run or lock is still alive.</summary>
public static class ProcessLiveness
{
    /// <summary>
    /// Alive, dead, or unknown (another host: we cannot see its processes, so we never break its
    /// locks or interrupt its runs).
    /// </summary>
    public static Liveness Check(OwnerInfo owner)
    {
        if (!string.Equals(owner.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return Liveness.Unknown;
        }

        if (owner.ProcessId == Environment.ProcessId)
        {
            var me = OwnerInfo.Current;
            return SameStart(owner.ProcessStartedAt, me.ProcessStartedAt) ? Liveness.Alive : Liveness.Dead;
        }

        if (ProcStat.Supported)
        {
            // A missing stat: no such process. A zombie has exited (only its exit status is left).
            if (!ProcStat.TryRead(owner.ProcessId, out var started, out var state) || state is 'Z' or 'X')
            {
                return Liveness.Dead;
            }

            return SameStart(owner.ProcessStartedAt, started) ? Liveness.Alive : Liveness.Dead;
        }

        try
        {
            using var process = Process.GetProcessById(owner.ProcessId);
            if (process.HasExited)
            {
                return Liveness.Dead;
            }

            // A reused process id: same number, different process.
            return SameStart(owner.ProcessStartedAt, OwnerInfo.TryStartTime(process)) ? Liveness.Alive : Liveness.Dead;
        }
        catch (ArgumentException)
        {
            return Liveness.Dead; // no such process
        }
        catch (InvalidOperationException)
        {
            return Liveness.Dead;
        }
    }

    private static bool SameStart(DateTimeOffset? recorded, DateTimeOffset? actual) =>
        recorded is null || actual is null || (recorded.Value - actual.Value).Duration() < TimeSpan.FromSeconds(2);
}

/// <summary>Result of <see cref="ProcessLiveness.Check"/>.</summary>
public enum Liveness
{
    Alive,
    Dead,
    Unknown,
}
