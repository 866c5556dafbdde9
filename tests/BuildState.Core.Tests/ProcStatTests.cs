using System.Diagnostics;
using System.Text;
using BuildState.IO;
using BuildState.Model;

namespace BuildState.Core.Tests;

/// <summary>
/// Owners' start times and liveness read from /proc instead of System.Diagnostics.Process: the
/// same times Process gives (owner records written by either must match within the store's 2 s),
/// and the same answers on live, dead and reused process ids.
/// </summary>
[Collection("processes")]
public sealed class ProcStatTests
{
    [Fact]
    public void Another_live_process_is_an_owner_alive_to_liveness_and_a_finished_one_is_none()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            var owner = OwnerInfo.Of(child.Id);
            Assert.NotNull(owner);
            Assert.Equal((child.Id, Environment.MachineName), (owner.ProcessId, owner.Host));
            Assert.Equal(Liveness.Alive, ProcessLiveness.Check(owner));
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }

        Assert.Null(OwnerInfo.Of(child.Id));
    }

    [Fact]
    public void This_process_starts_when_Process_says_it_did()
    {
        if (!ProcStat.Supported)
        {
            return; // /proc is read on Linux only (elsewhere System.Diagnostics.Process answers)
        }

        using var self = Process.GetCurrentProcess();
        Assert.True(ProcStat.TryRead(Environment.ProcessId, out var started, out var state));
        Assert.InRange((started - self.StartTime.ToUniversalTime()).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        Assert.Contains(state, "RS");
        Assert.InRange((started - OwnerInfo.Current.ProcessStartedAt!.Value).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(10)); // the boot time is taken anew at each read
    }

    [Fact]
    public void Another_process_is_alive_until_it_exits_and_a_reused_id_is_not_its_owner()
    {
        if (!ProcStat.Supported)
        {
            return; // /proc is read on Linux only (elsewhere System.Diagnostics.Process answers)
        }

        using var child = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        Assert.True(ProcStat.TryRead(child.Id, out var started, out _));
        Assert.InRange((started - child.StartTime.ToUniversalTime()).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        var owner = new OwnerInfo { ProcessId = child.Id, Host = Environment.MachineName, ProcessStartedAt = started };
        Assert.Equal(Liveness.Alive, ProcessLiveness.Check(owner));
        Assert.Equal(Liveness.Dead, ProcessLiveness.Check(owner with { ProcessStartedAt = started.AddMinutes(-5) }));

        child.Kill();
        child.WaitForExit();
        Assert.Equal(Liveness.Dead, ProcessLiveness.Check(owner));
        Assert.False(ProcStat.TryRead(child.Id, out _, out _));
    }

    [Fact]
    public void A_command_name_with_spaces_and_parentheses_does_not_shift_the_fields()
    {
        if (!ProcStat.Supported)
        {
            return; // /proc is read on Linux only (elsewhere System.Diagnostics.Process answers)
        }

        // 52 fields as Linux writes them; the start time (field 22) is 100 clock ticks after boot.
        var fields = Enumerable.Range(4, 49).Select(i => i == 22 ? "100" : "0");
        var line = Encoding.ASCII.GetBytes("4242 (a b) (c)) Z " + string.Join(' ', fields) + "\n");

        Assert.True(ProcStat.TryParse(line, out var started, out var state));
        Assert.Equal('Z', state);
        Assert.True(ProcStat.TryRead(1, out var init, out _));
        Assert.True(started < DateTimeOffset.UtcNow && started > init.AddSeconds(-5), "100 ticks after boot is about when init started");
        Assert.False(ProcStat.TryParse("4242 (no end"u8, out _, out _));
        Assert.False(ProcStat.TryParse("4242 (short) S 1 2"u8, out _, out _));
    }

    [Fact]
    public void A_process_parent_is_the_process_that_started_it_whatever_its_command_name()
    {
        if (!ProcStat.Supported)
        {
            return; // /proc is read on Linux only
        }

        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            Assert.Equal(Environment.ProcessId, OwnerInfo.ParentOf(child.Id));
            var line = new byte[1024]; // the read used where the open flags are not known (ARM)
            var read = ProcStat.ReadThroughFileApi(child.Id, line);
            Assert.True(ProcStat.TryParseParent(line.AsSpan(0, read), out var viaFileApi));
            Assert.Equal(Environment.ProcessId, viaFileApi);
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }

        Assert.Null(OwnerInfo.ParentOf(child.Id));
        Assert.True(ProcStat.ReadThroughFileApi(child.Id, new byte[1024]) < 0);
        Assert.True(ProcStat.TryParseParent("4242 (a b) (c)) S 17 4242 0\n"u8, out var parent));
        Assert.Equal(17, parent);
        Assert.False(ProcStat.TryParseParent("4242 (no end"u8, out _));
        Assert.False(ProcStat.TryParseParent("4242 (x) S 1x 2"u8, out _));
    }

    [Fact]
    public void A_zombie_counts_as_dead()
    {
        if (!ProcStat.Supported)
        {
            return; // /proc is read on Linux only (elsewhere System.Diagnostics.Process answers)
        }

        // A process that exited but is not yet reaped: sh's child, while sh sleeps without waiting.
        using var sh = Process.Start(new ProcessStartInfo("sh", "-c \"sleep 0 & exec sleep 30\"") { UseShellExecute = false })!;
        try
        {
            var zombie = WaitForChild(sh.Id);
            Assert.True(ProcStat.TryRead(zombie, out var started, out var state));
            Assert.Equal('Z', state);
            Assert.Equal(Liveness.Dead, ProcessLiveness.Check(new OwnerInfo { ProcessId = zombie, Host = Environment.MachineName, ProcessStartedAt = started }));
        }
        finally
        {
            sh.Kill();
        }
    }

    private static int WaitForChild(int parent)
    {
        for (var i = 0; i < 100; i++)
        {
            foreach (var dir in Directory.GetDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid)
                    && File.Exists(Path.Combine(dir, "stat"))
                    && TryParentAndState(pid, out var ppid, out var state) && ppid == parent && state == 'Z')
                {
                    return pid;
                }
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException("the shell's child did not become a zombie");
    }

    private static bool TryParentAndState(int pid, out int ppid, out char state)
    {
        ppid = 0;
        state = '\0';
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            state = rest[0][0];
            return int.TryParse(rest[1], out ppid);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
