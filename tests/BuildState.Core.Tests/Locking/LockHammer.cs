using System.Diagnostics;
using BuildState.Core.Tests.Infrastructure;

namespace BuildState.Core.Tests.Locking;

/// <summary>Starts the StoreHammer helper in one of its lock modes, with standard input to tell a holder when to let go.</summary>
internal static class LockHammer
{
    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Hammer.DllPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }
}
