import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { databaseOptions } from './database-options';

/** For the TypeORM CLI (npm run migration:*); the app builds its own in DatabaseModule. */
export default new DataSource(databaseOptions(AppConfig.fromEnv(process.env)));
