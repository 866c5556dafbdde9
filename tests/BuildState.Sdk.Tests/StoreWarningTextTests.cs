using BuildState.Errors;
using BuildState.Sdk.Session;

namespace BuildState.Sdk.Tests;

/// <summary>BST1001's text: the store's error and what to do, said once.</summary>
public class StoreWarningTextTests
{
    [Fact]
    public void Damage_gets_the_recover_advice_once_and_other_kinds_keep_the_stores_own()
    {
        var plain = new BuildStateException(StoreErrorKind.Corruption, "the state's checksum does not match", "/s/current_state.json");
        var advised = new BuildStateException(StoreErrorKind.Corruption, "nothing of this build can be read; `buildstate recover` moves the folder to damaged/", "/s/b");
        var locked = new BuildStateException(StoreErrorKind.LockTimeout, "timed out; let that process finish", "/s/locks/b.lock");

        Assert.Equal("/s/current_state.json: the state's checksum does not match; `buildstate recover` repairs the store (what it cannot keep goes to damaged/)", StoreErrorText.DescribeUnusable(plain));
        Assert.Equal("/s/b: nothing of this build can be read; `buildstate recover` moves the folder to damaged/", StoreErrorText.DescribeUnusable(advised));
        Assert.Equal("/s/locks/b.lock: timed out; let that process finish", StoreErrorText.DescribeUnusable(locked));
    }
}
