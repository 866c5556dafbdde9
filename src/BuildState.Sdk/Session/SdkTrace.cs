using System.Diagnostics;
using System.Globalization;

namespace BuildState.Sdk.Session;

/// <summary>
/// Timings of the SDK's own work, for measuring what recording costs a build: set
/// BUILDSTATE_TRACE to a file path and every task (and the steps inside the first ones) appends a
/// line "pid elapsed-since-process-start step ms" to it. Off (one static read) when the variable
/// is unset, so it costs builds nothing.
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

        public void Dispose()
        {
            if (name is null)
            {
                return;
            }

            var ms = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
            var sinceStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
            var line = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId} {sinceStart:0} {name} {ms:0.00}\n");
            lock (Gate)
            {
                File.AppendAllText(Path!, line);
            }
        }
    }
}
