namespace P2P.Node.Tests.Gateway;

/// <summary>Two connected daemons: the seed holds the content, the fetcher serves it through its gateway from the swarm.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public TestDaemon Seed { get; private set; } = null!;

    public TestDaemon Fetcher { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Seed = await TestDaemon.StartAsync();
        Fetcher = await TestDaemon.StartAsync();
        await Fetcher.ConnectAsync(Seed);
    }

    public async Task DisposeAsync()
    {
        await Fetcher.DisposeAsync();
        await Seed.DisposeAsync();
    }
}
