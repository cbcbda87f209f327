using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Wire;

public sealed class WireLimitsTests
{
    /// <summary>The transport keeps its own copy of the wire's largest message (it may not reference the layer above).</summary>
    [Fact]
    public void TransportDefaultMaxMessageSize_EqualsTheWiresLargestMessage() =>
        Assert.Equal(WireLimits.MaxAnyMessageSize, TransportOptions.DefaultMaxMessageSize);
}
