using BuildState.Store;

namespace BuildState.Sdk.Session;

/// <summary>
/// The store options the SDK's settings give, the same for both of its writers: the tasks in a
/// build node (RunStarter, which adds the build's clock and group commit) and the
/// recorder of Microsoft.Testing.Platform sessions, which links this file.
/// </summary>
internal static class SdkStoreOptions
{
    public static StoreOptions For(string storeRoot, Durability durability, int maxCheckpoints, int maxBackups, int lockTimeoutSeconds) => new()
    {
        Durability = durability,
        MaxCheckpoints = Math.Max(1, maxCheckpoints),
        MaxBackups = Math.Max(0, maxBackups),

        // BuildStateLockTimeout: a lock another process holds past it (a hung or stopped CLI) makes
        // the SDK give up on the store (BST1001, BST1010) after seconds, not after the store's 60 s.
        LockTimeout = TimeSpan.FromSeconds(Math.Max(1, lockTimeoutSeconds)),
        RepositoryRoot = Path.GetDirectoryName(storeRoot)!,
    };
}
