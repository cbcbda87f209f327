using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// PCP (RFC 6887) with a fall back to NAT-PMP (RFC 6886), both on the gateway's port 5351. PCP is tried first; a
/// gateway that answers it with NAT-PMP's or PCP's "unsupported version" is spoken to in NAT-PMP from then on
/// (RFC 6887 §9 describes exactly this). Written by hand: no NuGet package for either protocol is served here, and
/// each is two fixed-size messages.
/// </summary>
public sealed class PcpNatPmpClient(IPEndPoint gateway, IPAddress localAddress, TimeProvider time, ILogger logger) : IPortMappingClient
{
    /// <summary>The port both protocols use on the gateway (RFC 6886 §3, RFC 6887 §19.1).</summary>
    public const int ServerPort = 5351;

    /// <summary>Set once the gateway showed it speaks NAT-PMP only.</summary>
    private volatile bool _natPmpOnly;

    public string Method => _natPmpOnly ? "nat-pmp" : "pcp";

    public async Task<MappingAttempt> MapAsync(MappedProtocol protocol, int internalPort, TimeSpan lifetime, PortMappingLease? previous, CancellationToken ct)
    {
        var seconds = (uint)Math.Clamp(lifetime.TotalSeconds, 1, uint.MaxValue);
        var suggested = previous?.External.Port ?? internalPort;
        if (!_natPmpOnly)
        {
            var (attempt, fallBack) = await MapPcpAsync(protocol, internalPort, suggested, seconds, previous, ct);
            if (!fallBack)
                return attempt;
            _natPmpOnly = true;
        }
        return await MapNatPmpAsync(protocol, internalPort, suggested, seconds, ct);
    }

    public async Task DeleteAsync(PortMappingLease lease, CancellationToken ct)
    {
        byte[] request;
        Func<byte[], bool> isAnswer;
        if (lease.Method == "pcp")
        {
            request = PcpMessage.MapRequest(lease.Nonce, lease.Protocol, localAddress, lease.InternalPort, 0, 0);
            isAnswer = d => PcpMessage.ResultCode(d) is not null;
        }
        else
        {
            request = NatPmpMessage.MapRequest(lease.Protocol, lease.InternalPort, 0, 0);
            var opcode = NatPmpMessage.Opcode(lease.Protocol);
            isAnswer = d => NatPmpMessage.ResultCode(d, opcode) is not null;
        }
        await UdpRequest.ExchangeAsync(gateway, localAddress, request, isAnswer, time, logger, ct);
    }

    private async Task<(MappingAttempt Attempt, bool FallBack)> MapPcpAsync(MappedProtocol protocol, int internalPort, int suggested, uint seconds,
        PortMappingLease? previous, CancellationToken ct)
    {
        var nonce = previous is { Method: "pcp" } ? previous.Nonce : NewNonce();
        var request = PcpMessage.MapRequest(nonce, protocol, localAddress, internalPort, suggested, seconds);
        var answer = await UdpRequest.ExchangeAsync(gateway, localAddress, request, IsPcpOrNatPmpAnswer, time, logger, ct);
        if (answer is null)
            return (MappingAttempt.Failed($"no PCP or NAT-PMP answer from {gateway}"), false);
        if (answer[0] == NatPmpMessage.Version || PcpMessage.ResultCode(answer) == 1)
            return (default, true);
        var code = PcpMessage.ResultCode(answer)!.Value;
        if (code != 0)
            return (MappingAttempt.Failed($"PCP MAP refused by {gateway}: {PcpMessage.Describe(code)}"), false);
        if (PcpMessage.ParseMapResponse(answer, nonce, protocol, internalPort) is not { } granted || granted.LifetimeSeconds == 0)
        {
            logger.LogWarning("Port mapping: ignored a PCP answer from {Gateway} that does not match the request", gateway);
            return (MappingAttempt.Failed($"PCP answer from {gateway} did not match the request"), false);
        }
        return (MappingAttempt.Ok(new PortMappingLease("pcp", protocol, internalPort, granted.External,
            TimeSpan.FromSeconds(granted.LifetimeSeconds), nonce)), false);
    }

    private async Task<MappingAttempt> MapNatPmpAsync(MappedProtocol protocol, int internalPort, int suggested, uint seconds, CancellationToken ct)
    {
        // §3.2: the mapping answer carries only the port, so the external address is asked for separately.
        var addressAnswer = await UdpRequest.ExchangeAsync(gateway, localAddress, NatPmpMessage.ExternalAddressRequest(),
            d => NatPmpMessage.ResultCode(d, 0) is not null, time, logger, ct);
        if (addressAnswer is null)
            return MappingAttempt.Failed($"no NAT-PMP answer from {gateway}");
        if (NatPmpMessage.ParseExternalAddress(addressAnswer) is not { } external)
            return MappingAttempt.Failed($"NAT-PMP external address refused by {gateway}: result {NatPmpMessage.ResultCode(addressAnswer, 0)}");
        var opcode = NatPmpMessage.Opcode(protocol);
        var answer = await UdpRequest.ExchangeAsync(gateway, localAddress, NatPmpMessage.MapRequest(protocol, internalPort, suggested, seconds),
            d => NatPmpMessage.ResultCode(d, opcode) is not null, time, logger, ct);
        if (answer is null)
            return MappingAttempt.Failed($"no NAT-PMP mapping answer from {gateway}");
        if (NatPmpMessage.ParseMapResponse(answer, protocol, internalPort) is not { } granted || granted.ExternalPort == 0 || granted.LifetimeSeconds == 0)
            return MappingAttempt.Failed($"NAT-PMP mapping refused by {gateway}: result {NatPmpMessage.ResultCode(answer, opcode)}");
        return MappingAttempt.Ok(new PortMappingLease("nat-pmp", protocol, internalPort, new IPEndPoint(external, granted.ExternalPort),
            TimeSpan.FromSeconds(granted.LifetimeSeconds), []));
    }

    /// <summary>A PCP answer to MAP, or a NAT-PMP server's answer to a packet it does not understand (version 0, any opcode ≥ 128).</summary>
    private static bool IsPcpOrNatPmpAnswer(byte[] d) =>
        PcpMessage.ResultCode(d) is not null || (d.Length >= 4 && d[0] == NatPmpMessage.Version && d[1] >= 128);

    /// <summary>§11.1: the nonce is what stops an off-path host from deleting or stealing our mapping, so it is not from a seeded Random.</summary>
    private static byte[] NewNonce() => RandomNumberGenerator.GetBytes(PcpMessage.NonceLength);
}
