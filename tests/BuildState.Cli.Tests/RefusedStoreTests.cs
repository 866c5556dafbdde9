using System.Diagnostics;
using BuildState.Cli.Tests.Infrastructure;

namespace BuildState.Cli.Tests;

/// <summary>
/// A store this user may not look into (another user's folder, mode 0700) is refused with exit 6
/// naming it, never reported as an empty, valid store: a CI step reading it would take "no builds"
/// for the truth. Found by a user review: `status` said "No builds yet" and `validate` "Valid".
/// </summary>
public sealed class RefusedStoreTests : IDisposable
{
    private readonly TestStore _store = new TestStore().WithTwoBuilds();

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_store.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _store.Dispose();
    }

    [Theory]
    [InlineData("status")]
    [InlineData("list")]
    [InlineData("validate")]
    [InlineData("report", "-o", "/dev/null")]
    public void A_store_the_user_may_not_look_into_is_refused_with_exit_6(string verb, params string[] more)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        File.SetUnixFileMode(_store.Root, UnixFileMode.None);

        var result = RunWithoutAdminRights([verb, .. more, "--root", _store.Root]);

        Assert.True(result.Code == 6, result.ToString());
        Assert.Contains(_store.Root, result.Err);
        Assert.Contains("PermissionDenied, exit code 6", result.Err);
        Assert.DoesNotContain("No builds", result.Out);
        Assert.DoesNotContain("Valid", result.Out);
        Assert.DoesNotContain("   at ", result.Err);
    }

    /// <summary>
    /// The real command as a process. As root (CI containers) it runs without the capabilities that
    /// let root pass any file mode (util-linux's setpriv), so the mode is what refuses it, as for
    /// any other user.
    /// </summary>
    private static Bs.Result RunWithoutAdminRights(string[] args)
    {
        if (!IsRoot())
        {
            return Bs.RunProcess(Path.GetTempPath(), args);
        }

        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--bounding-set", "-dac_override,-dac_read_search", "dotnet", Bs.DllPath }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "buildstate did not end in 60 s");
        return new Bs.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static bool IsRoot() => Environment.UserName == "root";
}
