using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

public class GcGateTests
{
    [Fact]
    public async Task EnterExclusive_WaitsForSharedScopes()
    {
        var gate = new GcGate();
        var shared = gate.EnterShared();
        var exclusiveEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gc = Task.Run(() =>
        {
            using (gate.EnterExclusive())
                exclusiveEntered.SetResult();
        });

        // gc cannot finish while the shared scope is open, whatever the scheduling.
        Assert.False(exclusiveEntered.Task.IsCompleted);
        shared.Dispose();
        await gc.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exclusiveEntered.Task.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task EnterShared_WaitsWhileGcRuns()
    {
        var gate = new GcGate();
        var exclusive = gate.EnterExclusive();
        var writerEntered = false;
        var writer = Task.Run(() =>
        {
            using (gate.EnterShared())
                Volatile.Write(ref writerEntered, true);
        });

        Assert.False(Volatile.Read(ref writerEntered));
        exclusive.Dispose();
        await writer.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(Volatile.Read(ref writerEntered));
    }

    [Fact]
    public async Task Dispose_Twice_ReleasesOnce()
    {
        var gate = new GcGate();
        var first = gate.EnterShared();
        var second = gate.EnterShared();
        first.Dispose();
        first.Dispose();
        var gc = Task.Run(() => gate.EnterExclusive().Dispose());

        // Had the double dispose counted twice, the second scope would no longer hold gc off.
        Assert.False(gc.IsCompleted);
        second.Dispose();
        await gc.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(gc.IsCompletedSuccessfully);
    }
}
