using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace BuildState.Sdk.Session;

/// <summary>
/// Timings of the SDK's own work, for measuring what recording costs a build: set
/// BUILDSTATE_TRACE to a file path and every task (and the steps inside the first ones) appends a
/// line "pid elapsed-since-process-start step wall-ms cpu-ms" to it. The CPU time is the thread's
/// own (Linux and macOS; -1 elsewhere): on a shared 2-core machine wall times swing by 20% per
/// build, a thread's CPU time hardly at all. Off (one static read) when the variable is unset, so it
/// costs builds nothing.
/// </summary>
internal static class SdkTrace
{
    private static readonly string? Path = Environment.GetEnvironmentVariable("BUILDSTATE_TRACE");
    private static readonly object Gate = new();

    public static bool Enabled => Path is not null;

    /// <summary>Starts timing a step; dispose the result to write its line.</summary>
    public static Step Time(string name) => new(Enabled ? name : null);

    public readonly struct Step(string? name) : IDisposable
    {
        private readonly long _start = name is null ? 0 : Stopwatch.GetTimestamp();
        private readonly double _cpuStart = name is null ? 0 : ThreadCpuMs();

        public void Dispose()
        {
            if (name is null)
            {
                return;
            }

            var ms = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
            var cpu = _cpuStart < 0 ? -1 : ThreadCpuMs() - _cpuStart;
            var sinceStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
            var line = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {sinceStart:0} {name} {ms:0.00} {cpu:0.00}\n");
            lock (Gate)
            {
                File.AppendAllText(Path!, line);
            }
        }
    }

    private const int ClockThreadCpuTimeLinux = 3;
    private const int ClockThreadCpuTimeMac = 16;

    /// <summary>The calling thread's CPU time (user and system) in ms, or -1 where it is not read.</summary>
    private static double ThreadCpuMs()
    {
        var clock = OperatingSystem.IsLinux() ? ClockThreadCpuTimeLinux : OperatingSystem.IsMacOS() ? ClockThreadCpuTimeMac : -1;
        if (clock < 0)
        {
            return -1;
        }

        try
        {
            return ClockGetTime(clock, out var ts) == 0 ? ts.Seconds * 1000.0 + ts.Nanoseconds / 1e6 : -1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    // DllImport rather than LibraryImport: this project compiles no unsafe code, and tracing is a
    // measuring aid whose marshalling cost does not matter.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out TimeSpec time);
}
