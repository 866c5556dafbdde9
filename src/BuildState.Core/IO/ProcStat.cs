using System.Runtime.InteropServices;

namespace BuildState.IO;

/// <summary>
/// A process's start time and state from <c>/proc/&lt;pid&gt;/stat</c> (Linux). What
/// <see cref="System.Diagnostics.Process"/> reads too, without it: its first use in a process costs
/// a few milliseconds (its type set-up, generic code compiled at run time, the local time zone for
/// <c>StartTime</c>), which every MSBuild node paid at its first recorded run (docs/benchmarks.md,
/// section 1, ninth round).
/// </summary>
internal static partial class ProcStat
{
    private const int ClockBootTime = 7; // CLOCK_BOOTTIME: time since boot, suspended time included
    private const int ScClockTicks = 2;  // _SC_CLK_TCK: the unit of the start time in stat

    /// <summary>True where this reader applies (Linux on the architectures whose constants are known).</summary>
    public static bool Supported => Posix.FlagsKnown;

    /// <summary>
    /// The process's start time (UTC) and its state letter (<c>R</c>, <c>S</c>, <c>Z</c> for a
    /// zombie, ...); false when there is no such process or its stat cannot be read.
    /// </summary>
    public static bool TryRead(int pid, out DateTimeOffset startedAt, out char state)
    {
        Span<byte> buffer = stackalloc byte[1024];
        var read = Read(pid, buffer);
        startedAt = default;
        state = '\0';
        return read > 0 && TryParse(buffer[..read], out startedAt, out state);
    }

    /// <summary>The process's parent (field 4 of its stat), on any Linux; false when there is no such process or its stat cannot be read.</summary>
    public static bool TryReadParent(int pid, out int parent)
    {
        Span<byte> buffer = stackalloc byte[1024];
        var read = Read(pid, buffer);
        parent = 0;
        return read > 0 && TryParseParent(buffer[..read], out parent);
    }

    /// <summary>Field 4, the parent's process id: the first field after the state letter.</summary>
    internal static bool TryParseParent(ReadOnlySpan<byte> line, out int parent)
    {
        parent = 0;
        var close = line.LastIndexOf((byte)')'); // the command name (field 2) may hold spaces and parentheses
        if (close < 0 || close + 4 >= line.Length)
        {
            return false;
        }

        var rest = line[(close + 4)..]; // past ") S "
        var digits = 0;
        for (; digits < rest.Length && rest[digits] is >= (byte)'0' and <= (byte)'9'; digits++)
        {
            parent = (parent * 10) + (rest[digits] - '0');
        }

        return digits > 0 && (digits == rest.Length || rest[digits] == (byte)' ');
    }

    /// <summary>Reads <c>/proc/&lt;pid&gt;/stat</c> into <paramref name="buffer"/>; the bytes read, 0 or less when it cannot be read.</summary>
    private static unsafe int Read(int pid, Span<byte> buffer)
    {
        if (!Posix.FlagsKnown)
        {
            return ReadThroughFileApi(pid, buffer); // Linux where the open flags' values are not known here (ARM)
        }

        var fd = Posix.Open($"/proc/{pid}/stat", Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return -1;
        }

        try
        {
            fixed (byte* p = buffer)
            {
                return (int)Posix.PRead(fd, p, (nuint)buffer.Length, 0);
            }
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>Parses a stat line: state is field 3, the start time (clock ticks after boot) field 22.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> line, out DateTimeOffset startedAt, out char state)
    {
        startedAt = default;
        state = '\0';
        var close = line.LastIndexOf((byte)')'); // the command name (field 2) may hold spaces and parentheses
        if (close < 0 || close + 2 >= line.Length)
        {
            return false;
        }

        var rest = line[(close + 2)..]; // field 3 onwards
        state = (char)rest[0];
        var field = 3;
        var at = 0;
        while (field < 22)
        {
            var space = rest[at..].IndexOf((byte)' ');
            if (space < 0)
            {
                return false;
            }

            at += space + 1;
            field++;
        }

        long ticks = 0;
        var digits = 0;
        for (; at < rest.Length && rest[at] is >= (byte)'0' and <= (byte)'9'; at++, digits++)
        {
            ticks = (ticks * 10) + (rest[at] - '0');
        }

        var perSecond = ClockTicksPerSecond();
        if (digits == 0 || perSecond <= 0 || !TryBootTime(out var boot))
        {
            return false;
        }

        startedAt = boot.AddTicks(ticks * (TimeSpan.TicksPerSecond / perSecond));
        return true;
    }

    /// <summary>As <see cref="Read"/>, through .NET's file API (no flags of this platform's to know).</summary>
    internal static int ReadThroughFileApi(int pid, Span<byte> buffer)
    {
        try
        {
            using var handle = File.OpenHandle($"/proc/{pid}/stat");
            return RandomAccess.Read(handle, buffer, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>When the machine booted: now, less the time since boot.</summary>
    private static bool TryBootTime(out DateTimeOffset boot)
    {
        var now = DateTimeOffset.UtcNow;
        if (ClockGetTime(ClockBootTime, out var since) != 0)
        {
            boot = default;
            return false;
        }

        boot = now - TimeSpan.FromTicks((since.Seconds * TimeSpan.TicksPerSecond) + (since.Nanoseconds / 100));
        return true;
    }

    private static long _clockTicks;

    private static long ClockTicksPerSecond()
    {
        if (_clockTicks == 0)
        {
            _clockTicks = SysConf(ScClockTicks);
        }

        return _clockTicks;
    }

    // C's long (time_t and long on Linux): nint, so the layout is right on 32-bit x86 as well,
    // which Posix.FlagsKnown admits.
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial nint SysConf(int name);
}
