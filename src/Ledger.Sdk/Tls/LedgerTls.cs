using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Ledger.Core.Errors;
using Ledger.Core.Model;
using Ledger.Core.Primitives;

namespace Ledger.Sdk.Tls;

/// <summary>
/// TLS pins: a node's certificate is recognized by the SHA-256 of its SubjectPublicKeyInfo, the hash its member record
/// holds on chain (<c>Consortium.tlsPinsOf</c>) — no certificate authority, no host name, no expiry decides it.
/// </summary>
public static class TlsPins
{
    /// <summary>The pin of <paramref name="certificate"/>: SHA-256 of its DER SubjectPublicKeyInfo.</summary>
    public static Hash32 Of(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate is X509Certificate2 full)
        {
            return new Hash32(SHA256.HashData(full.PublicKey.ExportSubjectPublicKeyInfo()));
        }
        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return new Hash32(SHA256.HashData(copy.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Parses a pin (0x followed by 64 hex digits).</summary>
    public static bool TryParse(string? text, out Hash32 pin) => Hash32.TryParse(text?.Trim(), out pin) && !pin.IsZero;

    /// <summary>The pins as the chain lists them (zero entries dropped).</summary>
    public static IReadOnlyList<Hash32> FromChain(IEnumerable<byte[]>? pins) =>
        pins is null ? [] : pins.Where(p => p is { Length: 32 }).Select(p => new Hash32(p)).Where(p => !p.IsZero).ToList();

    internal static string Describe(IEnumerable<Hash32> pins)
    {
        var list = pins.Select(p => p.ToString()).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}

/// <summary>
/// How a connection to a node is secured. Every address is <c>https://</c> unless <see cref="AllowPlaintext"/> (a
/// development flag, loopback only) says otherwise; the node's certificate must match a pin: one of
/// <see cref="ServerPins"/> when given, else one the chain registers for the member the node says it is
/// (<see cref="RegisteredPins"/>). With neither, nothing verifies the node, and the SDK does not connect.
/// </summary>
public sealed record LedgerTlsOptions
{
    /// <summary>The pins the node's certificate may have (e.g. from <c>ledger-node keys show</c> or the consortium description).</summary>
    public IReadOnlyCollection<Hash32>? ServerPins { get; init; }

    /// <summary>
    /// Reads the pins the chain registers for a member (<c>Consortium.tlsPinsOf</c>); the node's certificate must be one
    /// of the member's the node says it is. Read again when a later connection meets a certificate not seen before (a
    /// rotation), so a long-lived connection follows rotations.
    /// </summary>
    public Func<OrgId, CancellationToken, Task<IReadOnlyCollection<Hash32>>>? RegisteredPins { get; init; }

    /// <summary>The certificate to present when the node asks for one (a node calling another member's node).</summary>
    public Func<X509Certificate2?>? ClientCertificate { get; init; }

    /// <summary>Development only: allow <c>http://</c> (no TLS) to a loopback address.</summary>
    public bool AllowPlaintext { get; init; }

    /// <summary>Plain HTTP/2 to loopback, for development (<c>Ledger:Node:Tls:Mode=plaintext-development</c> nodes).</summary>
    public static LedgerTlsOptions PlaintextDevelopment { get; } = new() { AllowPlaintext = true };

    /// <summary>Pins the node's certificate to <paramref name="pins"/>.</summary>
    public static LedgerTlsOptions Pinned(params Hash32[] pins) => new() { ServerPins = pins };
}

/// <summary>
/// The check of a node's certificate during the TLS handshake (SocketsHttpHandler's validation callback): its pin must
/// be an accepted one. Until the accepted pins are known (pins read from chain, once the node has said who it is), any
/// certificate is let through and its pin kept, for <see cref="LedgerChannels"/> to check before any signed call.
/// </summary>
internal sealed class ServerCertificateCheck
{
    private readonly Func<OrgId, CancellationToken, Task<IReadOnlyCollection<Hash32>>>? _registered;
    private volatile IReadOnlyCollection<Hash32>? _accepted;
    private OrgId? _member;
    private Hash32? _seen;
    private Hash32? _refused;

    public ServerCertificateCheck(LedgerTlsOptions options)
    {
        _accepted = options.ServerPins is { Count: > 0 } pins ? pins.ToArray() : null;
        _registered = _accepted is null ? options.RegisteredPins : null;
    }

    /// <summary>The pins accepted now (null while still to be learnt from chain).</summary>
    public IReadOnlyCollection<Hash32>? Accepted => _accepted;

    /// <summary>The pin of the last certificate the node presented.</summary>
    public Hash32? Seen => _seen;

    /// <summary>The pin of the last certificate refused.</summary>
    public Hash32? Refused => _refused;

    /// <summary>True when pins come from chain.</summary>
    public bool FromChain => _registered is not null;

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }
        var pin = TlsPins.Of(certificate);
        _seen = pin;
        var accepted = _accepted;
        if (accepted is null)
        {
            return _registered is not null; // learning: checked against the chain once the node said who it is
        }
        if (accepted.Contains(pin))
        {
            return true;
        }
        if (_registered is not null && _member is { } member && Refresh(member).Contains(pin))
        {
            return true; // the node rotated to a certificate registered since
        }
        _refused = pin;
        return false;
    }

    /// <summary>Accepts the pins the chain registers for <paramref name="member"/> from now on.</summary>
    public void Learnt(OrgId member, IReadOnlyCollection<Hash32> pins)
    {
        _member = member;
        _accepted = pins.ToArray();
    }

    private IReadOnlyCollection<Hash32> Refresh(OrgId member)
    {
        // The validation callback is synchronous; a pin not seen before is rare (a rotation), so the chain read is
        // waited for here, bounded.
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var task = Task.Run(() => _registered!(member, timeout.Token), timeout.Token);
            if (task.Wait(TimeSpan.FromSeconds(5)))
            {
                var pins = task.Result.ToArray();
                _accepted = pins;
                return pins;
            }
        }
        catch (AggregateException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        return _accepted ?? [];
    }
}

/// <summary>
/// gRPC channels to Ledger nodes, secured as <see cref="LedgerTlsOptions"/> say: HTTP/2 over TLS with the node's
/// certificate checked by pin (and this side's certificate presented when one is given), or — with the development
/// flag, to loopback only — plain HTTP/2.
/// </summary>
public static class LedgerChannels
{
    /// <summary>
    /// A channel to <paramref name="address"/>. With pins from chain (<see cref="LedgerTlsOptions.RegisteredPins"/>)
    /// the certificate is checked by <see cref="LedgerConnection"/> once the node said who it is; a bare channel needs
    /// <see cref="LedgerTlsOptions.ServerPins"/> (or plaintext).
    /// </summary>
    /// <exception cref="LedgerException">LEDGER-1603 for an address that is not http(s); LEDGER-1672 for plaintext without the development flag or off loopback; LEDGER-1673 for TLS with nothing to check the node's certificate against.</exception>
    public static GrpcChannel ForAddress(string address, LedgerTlsOptions? tls = null, int maxReceiveMessageSize = 64 * 1024 * 1024)
    {
        tls ??= new LedgerTlsOptions();
        if (tls.ServerPins is not { Count: > 0 } && !IsPlaintext(address))
        {
            throw NoPins(address);
        }
        return Create(address, tls, maxReceiveMessageSize, out _);
    }

    internal static GrpcChannel Create(string address, LedgerTlsOptions tls, int maxReceiveMessageSize, out ServerCertificateCheck? check)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw SdkErrors.InvalidArgument($"'{address}' is not a node address such as https://127.0.0.1:7101.");
        }
        check = null;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (!tls.AllowPlaintext)
            {
                handler.Dispose();
                throw new LedgerException(SdkErrors.PlaintextRefusedCode, ErrorCategory.InvalidArgument,
                    $"{address} is plain HTTP, and Ledger nodes are called over TLS; use the node's https:// address. Only for development on one machine, with a node started with Ledger:Node:Tls:Mode=plaintext-development, allow plaintext (LedgerTlsOptions.AllowPlaintext, `ledger … --plaintext-development`).");
            }
            if (!IsLoopback(uri))
            {
                handler.Dispose();
                throw new LedgerException(SdkErrors.PlaintextRefusedCode, ErrorCategory.InvalidArgument,
                    $"{address} is plain HTTP to another machine; plaintext is allowed to loopback addresses only (development). Use the node's https:// address.");
            }
        }
        else
        {
            if (tls.ServerPins is not { Count: > 0 } && tls.RegisteredPins is null)
            {
                handler.Dispose();
                throw NoPins(address);
            }
            var serverCheck = new ServerCertificateCheck(tls);
            check = serverCheck;
            var client = tls.ClientCertificate;
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                // The pin decides: the certificate is self-signed, so neither its chain nor its name is checked.
                RemoteCertificateValidationCallback = serverCheck.Validate,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                LocalCertificateSelectionCallback = client is null ? null : (_, _, _, _, _) => client()!,
            };
        }
#pragma warning disable CA2000 // the channel owns the handler
        return GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = maxReceiveMessageSize,
            DisposeHttpClient = true,
        });
#pragma warning restore CA2000
    }

    /// <summary>The error of a connection whose TLS handshake failed because the node's certificate was refused.</summary>
    internal static LedgerException? Refusal(string address, ServerCertificateCheck? check, OrgId? expected)
    {
        if (check?.Refused is not { } refused)
        {
            return null;
        }
        return new LedgerException(SdkErrors.PinMismatchCode, ErrorCategory.PermissionDenied,
            $"The node at {address} presented a TLS certificate with pin {refused}, which is not among the pins expected{(expected is { } org ? $" for {org.Code}" : "")} ({TlsPins.Describe(check.Accepted ?? [])}): it may not be the node you mean. "
            + "If the node rotated its certificate, give its new pin (`ledger-node keys show` on the node prints it; the governors register it with changeTlsPins); otherwise check the address.");
    }

    private static LedgerException NoPins(string address) => new(SdkErrors.NoPinsCode, ErrorCategory.InvalidArgument,
        $"Nothing to check the certificate of the node at {address} against: give its TLS pin (LedgerTlsOptions.ServerPins; `ledger --tls-pin`; `ledger-node keys show` prints it) or a chain to read the pins its member registered (LedgerTlsOptions.RegisteredPins; `ledger --rpc … --deployment …`).");

    private static bool IsPlaintext(string address) => address.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for 127.0.0.0/8, ::1 and localhost.</summary>
    public static bool IsLoopback(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
