package io.samsa.protocol;

import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Routes each request to its handler. The set of registered handlers and their version ranges is exactly
 * what ApiVersions advertises, so an API that is not implemented is never offered to a client.
 */
public final class RequestDispatcher {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private record Registration(short minVersion, short maxVersion, ApiHandler<ApiMessage> handler) {
    }

    /**
     * The requests whose parsed form points into the request frame: kafka-clients reads their records and zero-copy
     * bytes fields as slices of it, not copies. Every other request owes the frame nothing once parsed.
     */
    private static final Set<ApiKeys> SHARE_THE_FRAME = EnumSet.of(ApiKeys.PRODUCE, ApiKeys.ENVELOPE, ApiKeys.PUSH_TELEMETRY);

    private final Map<ApiKeys, Registration> handlers = new EnumMap<>(ApiKeys.class);

    /**
     * Initialises kafka-clients' API table, which builds the schema of every message of every version (a few hundred
     * classes). A broker calls it on a second thread at start-up, before it registers its handlers.
     */
    public static void loadApiTable() {
        for (ApiKeys api : ApiKeys.values()) {
            api.latestVersion(true);
        }
        new RequestHeader(ApiKeys.METADATA, ApiKeys.METADATA.latestVersion(), "", 0).size();
    }

    /** Registers a handler for versions {@code minVersion..maxVersion} of an API. */
    @SuppressWarnings("unchecked")
    public <T extends ApiMessage> RequestDispatcher register(ApiKeys api, int minVersion, int maxVersion, ApiHandler<T> handler) {
        if (minVersion < api.oldestVersion() || maxVersion > api.latestVersion(true) || minVersion > maxVersion) {
            throw new IllegalArgumentException(api + " versions " + minVersion + ".." + maxVersion
                + " are outside what kafka-clients knows (" + api.oldestVersion() + ".." + api.latestVersion(true) + ")");
        }
        handlers.put(api, new Registration((short) minVersion, (short) maxVersion, (ApiHandler<ApiMessage>) handler));
        return this;
    }

    /** The advertised version ranges, in API key order. */
    public ApiVersionCollection supportedVersions() {
        ApiVersionCollection versions = new ApiVersionCollection();
        for (Map.Entry<ApiKeys, Registration> e : handlers.entrySet()) {
            versions.add(new ApiVersion()
                .setApiKey(e.getKey().id)
                .setMinVersion(e.getValue().minVersion)
                .setMaxVersion(e.getValue().maxVersion));
        }
        return versions;
    }

    /**
     * Whether a request with this API key, once dispatched, may still read its frame until its response is ready;
     * the frame of any other request can be released as soon as {@link #dispatch} returns.
     */
    public static boolean requestSharesFrame(short apiKey) {
        return ApiKeys.hasId(apiKey) && SHARE_THE_FRAME.contains(ApiKeys.forId(apiKey));
    }

    public boolean isSupported(ApiKeys api, short version) {
        Registration r = handlers.get(api);
        return r != null && version >= r.minVersion && version <= r.maxVersion;
    }

    /**
     * Decodes and handles one frame. Returns a future of the response (which may be to close the connection), or of
     * {@code null} for a request that gets no response. Throws {@link MalformedRequestException} when the frame cannot
     * be answered.
     */
    public CompletableFuture<Response> dispatch(ByteBuffer frame, String listenerName, InetSocketAddress client) {
        RequestHeader header = parseHeader(frame);
        ApiKeys api = header.apiKey();
        short version = header.apiVersion();
        RequestContext context = new RequestContext(header, listenerName, client);

        if (api == ApiKeys.API_VERSIONS && !isSupported(api, version)) {
            // KIP-511: a newer ApiVersions than we know is answered at v0 with our ranges, so the client retries lower.
            ApiVersionsResponseData body = new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(supportedVersions());
            return CompletableFuture.completedFuture(new Response(header.correlationId(), (short) 0, (short) 0, body));
        }
        if (!api.isVersionSupported(version)) {
            throw new MalformedRequestException("Unsupported version " + version + " of " + api
                + " (kafka-clients knows " + api.oldestVersion() + ".." + api.latestVersion(true) + ")", null);
        }

        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(frame)).request;
        } catch (RuntimeException e) {
            throw new MalformedRequestException("Cannot parse " + api + " v" + version + ": " + e, e);
        }
        short responseHeaderVersion = api.responseHeaderVersion(version);
        Registration registration = handlers.get(api);
        if (registration == null || version < registration.minVersion || version > registration.maxVersion) {
            ApiMessage error = request.getErrorResponse(0, new UnsupportedVersionException(
                api + " v" + version + " is not supported by this broker")).data();
            return completed(header, responseHeaderVersion, error);
        }

        CompletableFuture<ApiMessage> handled;
        try {
            handled = registration.handler.handle(context, request.data());
        } catch (RuntimeException e) {
            handled = CompletableFuture.failedFuture(e);
        }
        return handled.handle((body, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
                if (cause instanceof CloseConnection close) {
                    return Response.closeConnection(header.correlationId(), close.getMessage());
                }
                log.error("Unexpected error handling {} v{} from {} ({})", api, version, client, header.clientId(), cause);
                body = request.getErrorResponse(0, cause).data();
            }
            return body == null ? null : new Response(header.correlationId(), responseHeaderVersion, version, body);
        });
    }

    private static CompletableFuture<Response> completed(RequestHeader header, short headerVersion, ApiMessage body) {
        return CompletableFuture.completedFuture(
            new Response(header.correlationId(), headerVersion, header.apiVersion(), body));
    }

    private static RequestHeader parseHeader(ByteBuffer frame) {
        if (frame.remaining() < 4) {
            throw new MalformedRequestException("Frame of " + frame.remaining() + " bytes is too short for a request header", null);
        }
        short apiKey = frame.getShort(frame.position());
        if (!ApiKeys.hasId(apiKey)) {
            throw new MalformedRequestException("Unknown API key " + apiKey, null);
        }
        try {
            return RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            throw new MalformedRequestException("Cannot parse request header: " + e, e);
        }
    }
}
