using System.Diagnostics;

namespace BuildState.Sdk.Tests.Infrastructure;

/// <summary>
/// Real read-only and full file systems for degraded-mode tests. As root (CI runs as root, where
/// file modes do not stop writes) they are a read-only bind mount and a tiny tmpfs; otherwise the
/// read-only folder falls back to mode 0500, which does stop a normal user.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class Mounts
{
    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    /// <summary>Makes <paramref name="folder"/> read-only in place; dispose to undo.</summary>
    public static IDisposable ReadOnly(string folder)
    {
        if (IsRoot)
        {
            Run("mount", "--bind", folder, folder);
            Run("mount", "-o", "remount,bind,ro", folder);
            return new Undo(() => Run("umount", folder));
        }

        var mode = File.GetUnixFileMode(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return new Undo(() => File.SetUnixFileMode(folder, mode));
    }

    /// <summary>Mounts a 256 KiB tmpfs at <paramref name="folder"/> and fills it; null when not root.</summary>
    public static IDisposable? Full(string folder)
    {
        if (!IsRoot)
        {
            return null;
        }

        Directory.CreateDirectory(folder);
        Run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", folder);
        try
        {
            using var filler = new FileStream(Path.Combine(folder, "filler"), FileMode.Create);
            var block = new byte[4096];
            while (true)
            {
                filler.Write(block);
                filler.Flush();
            }
        }
        catch (IOException)
        {
            // full
        }

        return new Undo(() => Run("umount", folder));
    }

    private static void Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed: {p.StandardError.ReadToEnd()}");
        }
    }

    private sealed class Undo(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
