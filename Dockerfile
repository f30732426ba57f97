# Samsa: the broker and Kafka-named tools in one image.
#   docker compose up -d && docker exec -it kafka bash
# Stage 1 builds with Maven; stage 2 is a JRE, a non-root user and a data volume.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN groupadd --system samsa && useradd --system --gid samsa --home-dir /opt/samsa --shell /bin/bash samsa \
    && mkdir -p /var/lib/samsa && chown samsa:samsa /var/lib/samsa
COPY --from=build /src/target/classes /opt/samsa/target/classes
COPY --from=build /src/target/lib /opt/samsa/target/lib
COPY bin /opt/samsa/bin
COPY docker /opt/samsa/docker
ENV SAMSA_HOME=/opt/samsa \
    PATH=/opt/samsa/bin:$PATH
VOLUME /var/lib/samsa
EXPOSE 9092 9094
USER samsa
WORKDIR /opt/samsa
ENTRYPOINT ["/opt/samsa/docker/entrypoint.sh"]
