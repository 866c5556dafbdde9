using BuildState.Core.Tests.Infrastructure;
using BuildState.Locking;

namespace BuildState.Core.Tests.Locking;

/// <summary>
/// While held, a lock file names its owner (what a timeout message quotes); a clean release marks
/// it released (a zero byte over the record's first, in place: the file's length never changes
/// between owners), so a record found by the next owner was left by one that died holding the lock.
/// </summary>
public class LockOwnerRecordTests
{
    [Fact]
    public void A_held_lock_names_its_owner_and_a_clean_release_marks_it_in_place()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the holder's share mode keeps readers out there
        }

        using var dir = new TempDir();
        var lockPath = dir.Combine("owned.lock");
        var locks = new LockManager(FileLockProvider.Instance, TimeSpan.FromSeconds(10));
        for (var turn = 0; turn < 2; turn++)
        {
            using (locks.Acquire(lockPath, $"turn {turn}"))
            {
                var owner = FileLockProvider.Instance.DescribeOwner(lockPath);
                Assert.Contains($"process {Environment.ProcessId}", owner);
                Assert.Contains($"turn {turn}", owner);
            }

            Assert.Equal(FileLockProvider.OwnerRecordBytes, new FileInfo(lockPath).Length);
            Assert.Equal(0, File.ReadAllBytes(lockPath)[0]);
            Assert.Null(FileLockProvider.Instance.DescribeOwner(lockPath));
        }

        Assert.Equal(0, locks.StaleLocksBroken);
    }

    [Fact]
    public void A_lock_file_emptied_by_an_older_version_reads_as_released()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDir();
        var lockPath = dir.Combine("old.lock");
        File.WriteAllBytes(lockPath, []);
        var locks = new LockManager(FileLockProvider.Instance, TimeSpan.FromSeconds(10));
        using (locks.Acquire(lockPath, "after an older version"))
        {
            Assert.Contains("after an older version", FileLockProvider.Instance.DescribeOwner(lockPath));
        }

        Assert.Equal(0, locks.StaleLocksBroken);
    }

    [Fact]
    public void A_record_left_behind_is_reported_and_replaced_whole_even_when_longer_than_the_new_one()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDir();
        var lockPath = dir.Combine("left.lock");
        File.WriteAllText(lockPath, "{\"left\": \"" + new string('x', 4000) + "\"}");
        var locks = new LockManager(FileLockProvider.Instance, TimeSpan.FromSeconds(10));
        string? broken = null;
        locks.StaleLockBroken += (_, owner) => broken = owner;
        using (locks.Acquire(lockPath, "after a crash"))
        {
            Assert.Equal(1, locks.StaleLocksBroken);
            Assert.NotNull(broken);

            // Nothing of the old record may trail the new one: the file must read as this owner alone.
            var owner = FileLockProvider.Instance.DescribeOwner(lockPath);
            Assert.Contains($"process {Environment.ProcessId}", owner);
            Assert.Contains("after a crash", owner);
        }
    }
}
